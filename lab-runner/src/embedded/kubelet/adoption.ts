// A restarted runner takes over the containers its predecessor left for a Pod, found by
// their labels: the newest sandbox, each container's current and previous run and restart
// count; older runs and sandboxes are queued for removal.

import type { ObservedContainer } from './engine.js';
import type { ExitStates } from './exit-states.js';
import { LABEL } from './labels.js';
import type { WorkerContext } from './worker-context.js';

export function adoptContainers(ctx: WorkerContext, exits: ExitStates, containers: ObservedContainer[]): void {
  const infra = containers.filter((c) => c.labels[LABEL.role] === 'infra').sort((a, b) => Number(b.running) - Number(a.running));
  ctx.infra = infra[0];
  ctx.podIP = ctx.infra?.labels[LABEL.podIP];
  ctx.sandboxAttempt = Number(ctx.infra?.labels[LABEL.restartCount] ?? 0);
  ctx.staleInfra.push(...infra.slice(1).map((c) => c.id));
  for (const record of ctx.records) {
    const mine = containers
      .filter((c) => c.labels[LABEL.container] === record.name && c.labels[LABEL.role] !== 'infra')
      .sort((a, b) => Number(b.labels[LABEL.restartCount] ?? 0) - Number(a.labels[LABEL.restartCount] ?? 0));
    const [current, previous, ...older] = mine;
    if (!current) continue;
    record.current = current;
    record.restartCount = Number(current.labels[LABEL.restartCount] ?? 0);
    record.previousId = previous?.id;
    if (previous && !previous.running) record.lastTerminated = exits.terminatedOf(previous);
    ctx.extraContainers.push(...older.map((c) => c.id));
  }
}
