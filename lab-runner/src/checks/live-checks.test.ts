// Live checks on a real sandbox: a burst of cluster changes re-runs the checks, never more
// often than the minimum interval, and the last run reflects the final state.

import { exerciseSchema } from '@kubelab/exercise-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { DRAFT_EXERCISE, RunnerFixture } from '../server/testing/runner-fixture.js';
import { CheckEngine, type CheckRun } from './check-engine.js';
import { LiveChecks } from './live-checks.js';

let fixture: RunnerFixture;
let sandboxId: string;

beforeAll(async () => {
  fixture = await RunnerFixture.start();
  sandboxId = (await fixture.createSandbox('live', DRAFT_EXERCISE)).id;
});
afterAll(async () => {
  await fixture?.destroy();
});

describe('LiveChecks', () => {
  it('re-runs on cluster changes, debounced to the minimum interval', async () => {
    const service = fixture.runner.sandboxes!;
    const exercise = exerciseSchema.parse(DRAFT_EXERCISE);
    const live = new LiveChecks({
      engine: new CheckEngine({ metrics: createMetrics({ defaultMetrics: false }), logger: silentLogger }),
      logger: silentLogger,
      minIntervalMs: 1500,
      periodicMs: 60_000,
      source: {
        target: async (id) => {
          const clients = await service.kubeClients(id);
          return { exercise, clients, context: { clients, readNodeFile: (path) => service.provider.readNodeFile(id, path) } };
        },
      },
    });
    const runs: { at: number; run: CheckRun }[] = [];
    const unsubscribe = live.subscribe(sandboxId, (run) => runs.push({ at: Date.now(), run }));
    try {
      // The first run reads a real cluster and node: generous on a busy machine.
      const deadline = Date.now() + 30_000;
      while (runs.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runs[0]?.run.passed).toBe(false);
      // A burst of changes: many Pod and Event updates within a second or two.
      const burst = await service.provider.exec(sandboxId, ['sh', '-c', 'for i in 1 2 3 4 5; do kubectl run p$i --image=busybox -- sleep 3600; done; ' + `kubectl apply -f - <<'YAML'\napiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n  - { name: a, image: busybox, args: [sleep, '3600'] }\n  - { name: b, image: busybox, args: [sleep, '3600'] }\nYAML`]);
      expect(burst.exitCode).toBe(0);
      const until = Date.now() + 20_000;
      while (!runs.at(-1)?.run.passed && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.at(-1)?.run.passed).toBe(true);
      const gaps = runs.slice(1).map((r, i) => r.at - (runs[i] as { at: number }).at);
      // A run starts no sooner than the interval after the previous one ended, so gaps between deliveries are at least the interval.
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1400);
      expect(runs.length).toBeLessThan(12);
      // A second subscriber gets the latest run at once.
      let immediate: CheckRun | undefined;
      const second = live.subscribe(sandboxId, (run) => (immediate ??= run));
      expect(immediate?.passed).toBe(true);
      second();
      expect(live.watching).toBe(1);
    } finally {
      unsubscribe();
      live.stop();
    }
    expect(live.watching).toBe(0);
  });
});
