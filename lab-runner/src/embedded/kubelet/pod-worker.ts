// One Pod on the node: builds it the way the course explains (infra container first, then
// init containers in order, native sidecars, app containers, all joined to the infra's
// namespaces), keeps it running per restartPolicy, reports its status, and ends it (active
// deadline, eviction, graceful deletion). All work for one Pod is serialised through sync();
// events and timers only ask for a sync. The steps live in the parts the worker composes:
// pod-sandbox, container-sync, container-start, container-lifecycle, container-removal,
// exit-states and status-report.

import type { Pod, PodStatus } from '../k8s-types.js';
import { adoptContainers } from './adoption.js';
import { admissionErrors } from './admission.js';
import { ContainerLifecycle } from './container-lifecycle.js';
import { ephemeralSpecs, fieldPath, imageRefOf, newContainerRecord, type ContainerRecord } from './container-record.js';
import { ContainerRemoval } from './container-removal.js';
import { ContainerStarter } from './container-start.js';
import { ContainerSync } from './container-sync.js';
import type { ObservedContainer } from './engine.js';
import { ExitStates } from './exit-states.js';
import { PodSandbox } from './pod-sandbox.js';
import { now } from './status.js';
import { PodStatusReporter } from './status-report.js';
import type { PreparedVolume } from './volumes.js';
import { gracePeriod, podRef, SYNC_RETRY_MS, type WorkerContext, type WorkerEnv } from './worker-context.js';

const RESYNC_MS = 20_000;

export class PodWorker implements WorkerContext {
  pod: Pod;
  readonly uid: string;
  infra: ObservedContainer | undefined;
  podIP: string | undefined;
  readonly records: ContainerRecord[];
  volumes: Map<string, PreparedVolume> | undefined;
  initialized = false;
  stopped = false;
  readonly extraContainers: string[] = [];
  readonly staleInfra: string[] = [];
  sandboxAttempt = 0;

  private startTime: string | undefined;
  private phase: 'Succeeded' | 'Failed' = 'Succeeded';
  private terminal = false;
  private terminalReason: { reason: string; message: string } | undefined;
  private evictionMessage: string | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private terminating: Promise<void> | undefined;

  private readonly exits = new ExitStates(this);
  private readonly removal = new ContainerRemoval(this, this.exits);
  private readonly lifecycle = new ContainerLifecycle(this);
  private readonly containers = new ContainerSync(this, this.exits, this.lifecycle, new ContainerStarter(this, this.exits, this.lifecycle, this.removal));
  private readonly sandbox = new PodSandbox(this, this.removal, this.containers);
  private readonly reporter: PodStatusReporter;

  constructor(
    readonly env: WorkerEnv,
    pod: Pod,
    adopted: ObservedContainer[] = [],
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.startTime = pod.status?.startTime;
    this.reporter = new PodStatusReporter(this, this.exits);
    this.records = [
      ...(pod.spec.initContainers ?? []).map((spec) => newContainerRecord(spec, spec.restartPolicy === 'Always' ? 'sidecar' : 'init')),
      ...pod.spec.containers.map((spec) => newContainerRecord(spec, 'app')),
      ...ephemeralSpecs(pod).map((spec) => newContainerRecord(spec, 'ephemeral')),
    ];
    adoptContainers(this, this.exits, adopted);
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string, record?: ContainerRecord): void {
    this.env.cluster
      .recordEvent({ pod: this.pod, type, reason, message, ...(record ? { fieldPath: fieldPath(record) } : {}) })
      .catch((error) => this.env.log(`recording event ${reason} failed`, error));
  }

  /** A newer copy of the Pod arrived from the API server. */
  update(pod: Pod): void {
    const before = this.pod;
    this.pod = pod;
    // `kubectl debug` adds ephemeral containers to the running Pod; the next sync starts them.
    for (const spec of ephemeralSpecs(pod)) if (!this.record(spec.name)) this.records.push(newContainerRecord(spec, 'ephemeral'));
    for (const record of this.records) {
      const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...ephemeralSpecs(pod)].find((c) => c.name === record.name);
      if (spec) {
        record.spec = spec;
        record.imageRef = imageRefOf(spec);
      }
    }
    const strip = (p: Pod) => JSON.stringify({ spec: p.spec, deletion: p.metadata.deletionTimestamp, grace: p.metadata.deletionGracePeriodSeconds, labels: p.metadata.labels, annotations: p.metadata.annotations });
    if (strip(before) !== strip(pod)) this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.dirty = false;
      try {
        await this.sync();
      } catch (error) {
        this.env.log(`sync of pod ${podRef(this)} failed`, error);
        this.schedule(SYNC_RETRY_MS);
      }
    } while (this.dirty && !this.stopped);
  }

  schedule(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, ms);
    this.timer.unref?.();
  }

  /** Stops syncing and probing; containers stay (a restarted runner adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const record of this.records) record.probes?.stop();
    this.lifecycle.close();
    await this.running?.catch(() => undefined);
  }

  private async sync(): Promise<void> {
    if (this.pod.metadata.deletionTimestamp) {
      await this.terminate();
      return;
    }
    await this.removal.retryExtraContainers();
    if (!this.stagingChecked) {
      await this.removal.releaseLeftoverStaging();
      this.stagingChecked = true;
    }
    await this.removal.retryStaleInfra();
    // The API server refuses these at admission; a Pod that got past it anyway never runs here.
    const rejected = admissionErrors(this.pod);
    if (rejected.length) {
      await this.reject(rejected);
      return;
    }
    this.startTime ??= now();
    if (this.terminal) {
      await this.report();
      return;
    }
    if (this.evictionMessage !== undefined) {
      await this.evictNow(this.evictionMessage);
      return;
    }
    const deadline = this.pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined && this.startTime) {
      const left = Date.parse(this.startTime) + deadline * 1000 - Date.now();
      if (left <= 0) {
        this.event('Normal', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
        this.terminalReason = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
        await this.finish('Failed');
        await this.report();
        return;
      }
      this.schedule(left);
    }
    if (!(await this.sandbox.ensureVolumes()) || !(await this.sandbox.ensureInfra())) {
      await this.report();
      return;
    }
    await this.containers.refresh();
    const finished = await this.containers.sync();
    if (finished) await this.finish(finished);
    await this.report();
    this.schedule(this.env.resyncMs ?? RESYNC_MS);
  }

  /** Staging mounts a runner that died mid-start left are released once per worker. */
  private stagingChecked = false;

  private async reject(errors: string[]): Promise<void> {
    const message = `Pod was rejected: ${errors.join('; ')}`;
    const status: PodStatus = { phase: 'Failed', reason: 'Forbidden', message, conditions: this.pod.status?.conditions?.filter((c) => c.type === 'PodScheduled') ?? [] };
    if (this.reporter.alreadyReported(status)) return;
    this.event('Warning', 'Forbidden', message);
    this.terminal = true;
    await this.reporter.publish(status);
  }

  private report(): Promise<void> {
    return this.reporter.report({ phase: this.terminal ? this.phase : undefined, reason: this.terminalReason, startTime: this.startTime });
  }

  /** A finished Pod keeps its exited containers (for logs) but stops its sidecars and sandbox. */
  private async finish(phase: 'Succeeded' | 'Failed', grace = gracePeriod(this.pod)): Promise<void> {
    this.terminal = true;
    this.phase = phase;
    for (const record of this.records) {
      if (record.current?.running) await this.lifecycle.stop(record, grace);
    }
    if (this.infra) await this.env.docker.getContainer(this.infra.id).stop({ t: 0 }).catch(() => undefined);
  }

  /** Asks for the Pod's eviction (local storage over a limit, see eviction.ts); the next sync carries it out. */
  evict(message: string): void {
    if (this.terminal || this.evictionMessage !== undefined) return;
    this.evictionMessage = message;
    this.kick();
  }

  /**
   * As the kubelet evicts for local storage: no grace period, phase Failed with reason Evicted,
   * an Evicted event; then, as its container GC does for evicted Pods, the containers and the
   * emptyDirs go, which gives the disk back.
   */
  private async evictNow(message: string): Promise<void> {
    this.event('Warning', 'Evicted', message);
    this.terminalReason = { reason: 'Evicted', message };
    await this.finish('Failed', 0);
    await this.report();
    await this.removeAll();
  }

  get isTerminal(): boolean {
    return this.terminal || this.stopped || this.evictionMessage !== undefined || Boolean(this.pod.metadata.deletionTimestamp);
  }

  /** The engine ids of the containers' current runs, by container name. */
  containerIds(): Map<string, string> {
    const ids = new Map<string, string>();
    for (const record of this.records) if (record.current) ids.set(record.name, record.current.id);
    return ids;
  }

  /** Graceful deletion: containers get SIGTERM, SIGKILL after the grace period; then everything is removed. */
  async terminate(): Promise<void> {
    this.terminating ??= this.doTerminate();
    await this.terminating;
  }

  private async doTerminate(): Promise<void> {
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? gracePeriod(this.pod);
    const stopAll = async (records: ContainerRecord[]) => {
      await Promise.all(
        records.map(async (record) => {
          if (!record.current?.running) return;
          this.event('Normal', 'Killing', `Stopping container ${record.name}`, record);
          await this.lifecycle.stop(record, grace);
        }),
      );
    };
    // App (and ephemeral) containers first, then sidecars in reverse order, as the kubelet does.
    await stopAll(this.records.filter((r) => r.role === 'app' || r.role === 'ephemeral'));
    for (const sidecar of this.records.filter((r) => r.role === 'sidecar').reverse()) await stopAll([sidecar]);
    await this.removeAll();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.env.cluster.removePod(this.pod.metadata.namespace ?? 'default', this.pod.metadata.name ?? '', this.uid);
  }

  /** Removes every container of this Pod and its directory (emptyDirs). Safe to repeat. */
  async removeAll(): Promise<void> {
    this.lifecycle.close();
    await this.removal.removePod();
  }

  /** The record for a container name, for the streaming subresources. */
  record(name: string): ContainerRecord | undefined {
    return this.records.find((r) => r.name === name);
  }

  get infraContainer(): ObservedContainer | undefined {
    return this.infra;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }
}
