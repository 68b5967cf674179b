// The Pod's containers against the engine on each sync: re-read what runs, then start in
// order (ephemeral, init containers one by one, native sidecars, app containers) and
// restart exited runs per restartPolicy with the kubelet's crash-loop back-off.

import type { ContainerStateTerminated } from '../k8s-types.js';
import { Backoff, formatDuration } from './backoff.js';
import type { ContainerLifecycle } from './container-lifecycle.js';
import { forgetRun, type ContainerRecord } from './container-record.js';
import type { ContainerStarter } from './container-start.js';
import { observe } from './engine.js';
import type { ExitStates } from './exit-states.js';
import { LABEL } from './labels.js';
import { diedOfOom } from './sandbox-cgroup.js';
import { now } from './status.js';
import { gracePeriod, podRef, restartPolicy, type WorkerContext } from './worker-context.js';

export class ContainerSync {
  private readonly backoff = new Backoff();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly exits: ExitStates,
    private readonly lifecycle: ContainerLifecycle,
    private readonly starter: ContainerStarter,
  ) {}

  /** Re-reads the engine's view of every current container. */
  async refresh(): Promise<void> {
    const { ctx } = this;
    for (const record of ctx.records) {
      if (!record.current) continue;
      const seen = await observe(ctx.env.docker, record.current.id);
      if (!seen) {
        // Removed behind the kubelet's back: count it as a run that ended.
        record.startError = {
          exitCode: 137,
          reason: 'ContainerStatusUnknown',
          message: 'The container could not be located when the pod was terminated',
          ...(record.current.startedAt ? { startedAt: record.current.startedAt } : {}),
          finishedAt: now(),
          containerID: `docker://${record.current.id}`,
        };
        record.current = { ...record.current, running: false, exitCode: 137 };
        forgetRun(record);
        continue;
      }
      if (!seen.running && seen.exitCode === 137 && !seen.oomKilled) {
        seen.oomKilled = record.current.oomKilled || (await diedOfOom(seen.cgroupParent, seen.memoryLimit));
      }
      if (record.current.running && !seen.running) forgetRun(record);
      record.current = seen;
      await this.exits.captureLogTail(record, seen);
      if (seen.running && !record.probes && ctx.infra) this.lifecycle.startProbes(record);
    }
  }

  /** Starts and restarts what the Pod needs; the phase when all its app containers are done for good. */
  async sync(): Promise<'Succeeded' | 'Failed' | undefined> {
    const { ctx, exits, starter } = this;
    const policy = restartPolicy(ctx.pod);
    const inits = ctx.records.filter((r) => r.role === 'init' || r.role === 'sidecar');
    const apps = ctx.records.filter((r) => r.role === 'app');
    // Ephemeral containers start once, even before initialization is complete, and are never restarted.
    for (const record of ctx.records) {
      if (record.role === 'ephemeral' && !record.current && !record.startError) await starter.start(record);
    }
    ctx.initialized = false;
    for (const record of inits) {
      if (record.role === 'sidecar') {
        await this.keepRunning(record);
        if (!record.started) return undefined;
        continue;
      }
      const exited = exits.exitedState(record);
      if (exited && exited.exitCode === 0 && !record.startError) continue;
      if (record.current?.running) return undefined;
      if (exited) {
        if (policy === 'Never') return 'Failed';
        await this.restart(record, exited);
        return undefined;
      }
      await starter.start(record);
      return undefined;
    }
    ctx.initialized = true;
    const restarts = (exited: ContainerStateTerminated) => policy === 'Always' || (policy === 'OnFailure' && exited.exitCode !== 0);
    for (const record of apps) {
      const exited = exits.exitedState(record);
      if (!record.current && !record.startError) {
        await starter.start(record);
        continue;
      }
      if (!exited) {
        if (record.current?.running && record.current.labels[LABEL.image] !== undefined && record.current.labels[LABEL.image] !== (record.spec.image ?? '')) {
          // `kubectl set image`: the container is replaced with the new image and counted as a restart.
          ctx.event('Normal', 'Killing', `Container ${record.name} definition changed, will be restarted`, record);
          await this.lifecycle.stop(record, gracePeriod(ctx.pod));
          ctx.kick();
        }
        continue;
      }
      if (restarts(exited)) await this.restart(record, exited);
    }
    const done = apps.every((record) => {
      const exited = exits.exitedState(record);
      return exited !== undefined && !restarts(exited);
    });
    if (!done) return undefined;
    return apps.every((r) => exits.exitedState(r)?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }

  /** A sidecar (or any Always container): start it, restart it with back-off when it exits. */
  private async keepRunning(record: ContainerRecord): Promise<void> {
    if (!record.current && !record.startError) {
      await this.starter.start(record);
      return;
    }
    const exited = this.exits.exitedState(record);
    if (exited) await this.restart(record, exited);
  }

  private async restart(record: ContainerRecord, exited: ContainerStateTerminated): Promise<void> {
    const { ctx } = this;
    const key = record.name;
    const wait = this.backoff.remaining(key);
    if (wait > 0) {
      const delay = formatDuration(this.backoff.delay(key));
      const message = `back-off ${delay} restarting failed container=${record.name} pod=${podRef(ctx)}`;
      if (record.waiting?.reason !== 'CrashLoopBackOff' || record.waiting.message !== message) {
        ctx.event('Warning', 'BackOff', `Back-off restarting failed container ${record.name} in pod ${podRef(ctx)}`, record);
      }
      record.waiting = { reason: 'CrashLoopBackOff', message };
      ctx.schedule(wait);
      return;
    }
    const ranMs = exited.startedAt && exited.finishedAt ? Date.parse(exited.finishedAt) - Date.parse(exited.startedAt) : 0;
    this.backoff.next(key, Date.now(), ranMs);
    await this.starter.start(record, exited);
  }
}
