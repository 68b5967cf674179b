// Sends the Pod's status to the API server when it changed since the last report, and keeps
// each condition's lastTransitionTime across reports (and across runner restarts, from the
// stored status).

import type { PodStatus } from '../k8s-types.js';
import type { ExitStates } from './exit-states.js';
import { buildPodStatus } from './status.js';
import type { WorkerContext } from './worker-context.js';

export interface PodOutcome {
  /** Set once the Pod has finished for good. */
  phase: 'Succeeded' | 'Failed' | undefined;
  /** Why it finished, when the kubelet ended it (DeadlineExceeded, Evicted). */
  reason: { reason: string; message: string } | undefined;
  startTime: string | undefined;
}

export class PodStatusReporter {
  private lastReported = '';
  private readonly conditionTimes = new Map<string, { status: string; time: string }>();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly exits: ExitStates,
  ) {
    for (const condition of ctx.pod.status?.conditions ?? []) {
      if (condition.lastTransitionTime) this.conditionTimes.set(condition.type, { status: condition.status, time: condition.lastTransitionTime });
    }
  }

  async report(outcome: PodOutcome): Promise<void> {
    const { ctx, exits } = this;
    // A run can end between two refreshes (right after its start, or as the Pod finishes).
    for (const record of ctx.records) if (record.current) await exits.captureLogTail(record, record.current);
    const status: PodStatus = buildPodStatus({
      pod: ctx.pod,
      records: ctx.records,
      exitedState: (record) => exits.exitedState(record),
      podIP: ctx.podIP,
      phase: outcome.phase,
      initialized: ctx.initialized,
      infraRunning: Boolean(ctx.infra?.running),
      hostIP: ctx.env.hostIP,
      startTime: outcome.startTime,
      conditionTimes: this.conditionTimes,
    });
    if (outcome.reason) Object.assign(status, outcome.reason);
    await this.publish(status);
  }

  alreadyReported(status: PodStatus): boolean {
    return JSON.stringify(status) === this.lastReported;
  }

  /** Stores the status unless it is the one last stored; the Pod as stored becomes the worker's copy. */
  async publish(status: PodStatus): Promise<void> {
    const { ctx } = this;
    const json = JSON.stringify(status);
    if (json === this.lastReported) return;
    const stored = await ctx.env.cluster.updatePodStatus(ctx.pod.metadata.namespace ?? 'default', ctx.pod.metadata.name ?? '', ctx.uid, status);
    this.lastReported = json;
    if (stored) ctx.pod = stored;
  }
}
