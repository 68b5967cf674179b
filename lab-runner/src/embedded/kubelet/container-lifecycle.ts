// Probes and lifecycle hooks of the Pod's containers: a run's startup, readiness and
// liveness probes, its postStart hook, and its stop (preStop, SIGTERM, SIGKILL after the
// grace period). Hooks and probes that reach the Pod's network go through one netns shell.

import type { ContainerRecord } from './container-record.js';
import { observe } from './engine.js';
import { NetnsShell } from './netns-shell.js';
import { ContainerProbes, runHandler, type HandlerTarget, type ProbeKind } from './probes.js';
import { gracePeriod, type WorkerContext } from './worker-context.js';

export class ContainerLifecycle {
  private netns: { infraId: string; shell: NetnsShell } | undefined;

  constructor(private readonly ctx: WorkerContext) {}

  private handlerTarget(record: ContainerRecord): HandlerTarget {
    const { ctx } = this;
    const infraId = ctx.infra?.id ?? '';
    if (this.netns?.infraId !== infraId) {
      this.netns?.shell.close();
      this.netns = { infraId, shell: new NetnsShell(ctx.env.docker, infraId) };
    }
    return { containerId: record.current?.id ?? '', netns: this.netns.shell, podIP: ctx.podIP ?? '', spec: record.spec };
  }

  startProbes(record: ContainerRecord): void {
    const { ctx } = this;
    record.probes?.stop();
    const instance = record.current?.id;
    const same = () => record.current?.id === instance && !ctx.stopped;
    const probes = new ContainerProbes(ctx.env.docker, this.handlerTarget(record), {
      onStarted: () => {
        if (!same()) return;
        record.started = true;
        ctx.kick();
      },
      onReady: (ready) => {
        if (!same() || record.ready === ready) return;
        record.ready = ready;
        ctx.kick();
      },
      onUnhealthy: (kind: ProbeKind, message) => {
        if (same()) ctx.event('Warning', 'Unhealthy', `${kind} probe failed: ${message}`, record);
      },
      onFailed: (kind) => {
        if (!same()) return;
        ctx.event('Normal', 'Killing', `Container ${record.name} failed ${kind.toLowerCase()} probe, will be restarted`, record);
        void this.stop(record, record.spec.livenessProbe?.terminationGracePeriodSeconds ?? gracePeriod(ctx.pod)).then(() => ctx.kick());
      },
    });
    record.probes = probes;
    probes.start();
  }

  /** Runs the postStart hook of a run that just started; false when it failed and the run was killed. */
  async postStart(record: ContainerRecord, containerId: string): Promise<boolean> {
    const { ctx } = this;
    const hook = record.spec.lifecycle?.postStart;
    if (!hook || !record.current?.running) return true;
    const result = await runHandler(ctx.env.docker, this.handlerTarget(record), hook, gracePeriod(ctx.pod) * 1000);
    if (result.ok) return true;
    ctx.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`, record);
    await ctx.env.docker.getContainer(containerId).kill().catch(() => undefined);
    return false;
  }

  /** preStop, then SIGTERM, then SIGKILL once the grace period is over. */
  async stop(record: ContainerRecord, graceSeconds: number): Promise<void> {
    const { ctx } = this;
    const current = record.current;
    if (!current) return;
    record.probes?.stop();
    record.probes = undefined;
    const deadline = Date.now() + graceSeconds * 1000;
    const preStop = record.spec.lifecycle?.preStop;
    if (preStop && current.running && graceSeconds > 0) {
      const result = await runHandler(ctx.env.docker, this.handlerTarget(record), preStop, graceSeconds * 1000);
      if (!result.ok) ctx.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`, record);
    }
    const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    await ctx.env.docker.getContainer(current.id).stop({ t: remaining }).catch((error) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 304 && status !== 404) ctx.env.log(`stopping ${current.id} failed`, error);
    });
    record.current = (await observe(ctx.env.docker, current.id)) ?? { ...current, running: false };
  }

  /** Closes the netns shell (the worker stops, or the Pod's containers are removed). */
  close(): void {
    this.netns?.shell.close();
  }
}
