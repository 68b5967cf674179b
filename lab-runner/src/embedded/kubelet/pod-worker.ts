// One Pod on the node: builds it the way the course explains (infra container first, then
// init containers in order, native sidecars, app containers, all joined to the infra's
// namespaces), keeps it running per restartPolicy with the kubelet's back-off, runs probes
// and hooks, reports status and events, and tears it down gracefully when deleted.
// All work for one Pod is serialised through sync(); events and timers only ask for a sync.

import type Dockerode from 'dockerode';
import { forceRemoveContainer } from '../../engines/remove-container.js';
import { IMAGES, LOCAL_IMAGE_NAMES, normalizeImageReference } from '../../images/index.js';
import type { Container, ContainerStateTerminated, Pod, PodStatus } from '../k8s-types.js';
import type { KubeletClusterClient } from '../node-contract.js';
import { admissionErrors } from './admission.js';
import { Backoff, formatDuration } from './backoff.js';
import { containerCreateOptions, infraCreateOptions, type PodContext } from './container-config.js';
import { isNotFound, observe, type ObservedContainer } from './engine.js';
import { ConfigError } from './field-ref.js';
import { LABEL, type ContainerRole } from './labels.js';
import { NetnsShell } from './netns-shell.js';
import { ContainerProbes, runHandler, type HandlerTarget, type ProbeKind } from './probes.js';
import { diedOfOom, removeContainerCgroup } from './sandbox-cgroup.js';
import { buildPodStatus } from './status.js';
import { handOverVolumes } from './volume-ownership.js';
import { logTail, prepareTerminationLog, readTerminationLog, removeTerminationLog, terminationLogPath } from './termination-message.js';
import { removeUnmounted, stagedRuns, stagingRunDir } from './staging-mounts.js';
import { stageContainerMounts } from './volume-mounts.js';
import { podFileBinds, writePodFiles } from './pod-files.js';
import { MountError, podDir, prepareVolumes, refreshProjectedVolumes, removePodDir, type PreparedVolume, type VolumeContext } from './volumes.js';

export interface WorkerEnv {
  docker: Dockerode;
  cluster: KubeletClusterClient;
  nodeDir: string;
  podsDir: string;
  limits: { pids: number; memoryBytes: number; cpus: number };
  cgroupParent: string | undefined;
  /** The engine rotates each container's log at this size (the kubelet's containerLogMaxSize). */
  containerLogBytes?: number;
  /** The sandbox's user namespace (the infra's UsernsMode and the host uid of its root), or undefined where the engine has none. */
  userns: { mode: string; hostRoot: number } | undefined;
  hostIP: string;
  /** Put on every container of the Pod (the install's identity). */
  labels?: Record<string, string>;
  allocatePodIP(): string;
  /** Image id for a normalised reference, or undefined when the engine does not have it. */
  localImageId(reference: string): Promise<string | undefined>;
  log(message: string, error?: unknown): void;
  /** How often a Pod is re-synced without any event (default 20 s). */
  resyncMs?: number;
}

export interface ContainerRecord {
  name: string;
  role: Exclude<ContainerRole, 'infra'>;
  spec: Container;
  /** The engine container of the current run. */
  current: ObservedContainer | undefined;
  /** The engine container of the run before (kept for `logs --previous` until the next restart). */
  previousId: string | undefined;
  restartCount: number;
  /** The terminated state of the previous run (lastState). */
  lastTerminated: ContainerStateTerminated | undefined;
  /** Set while the kubelet holds the container back: CrashLoopBackOff, ErrImagePull, ... */
  waiting: { reason: string; message?: string } | undefined;
  waitingSince?: number;
  /** A start attempt failed before the process ran (StartError). */
  startError: ContainerStateTerminated | undefined;
  started: boolean;
  ready: boolean;
  probes: ContainerProbes | undefined;
  imageRef: string;
}

const SYNC_RETRY_MS = 2_000;
/** How long after an exit an empty log tail may still be the engine catching up. */
const LOG_SETTLE_MS = 2_000;
const RESYNC_MS = 20_000;

function fieldPath(record: { role: string; name: string; index: number }): string {
  if (record.role === 'ephemeral') return `spec.ephemeralContainers{${record.name}}`;
  return record.role === 'app' ? `spec.containers{${record.name}}` : `spec.initContainers{${record.name}}`;
}

/** The Pod's ephemeral containers (added through the ephemeralcontainers subresource, never removed). */
function ephemeralSpecs(pod: Pod): Container[] {
  return (pod.spec.ephemeralContainers ?? []) as Container[];
}

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  infra: ObservedContainer | undefined;
  podIP: string | undefined;
  readonly records: ContainerRecord[];
  private volumes: Map<string, PreparedVolume> | undefined;
  private readonly backoff = new Backoff();
  private readonly imageBackoff = new Backoff();
  private startTime: string | undefined;
  private phase: 'Succeeded' | 'Failed' = 'Succeeded';
  private terminal = false;
  private terminalReason: { reason: string; message: string } | undefined;
  private initialized = false;
  private lastReported = '';
  private running: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private terminating: Promise<void> | undefined;
  private conditionTimes = new Map<string, { status: string; time: string }>();
  private mountWarned = '';
  private stagingChecked = false;
  private podFilesWritten = false;

  constructor(
    private readonly env: WorkerEnv,
    pod: Pod,
    adopted: ObservedContainer[] = [],
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid ?? '';
    this.startTime = pod.status?.startTime;
    for (const condition of pod.status?.conditions ?? []) {
      if (condition.lastTransitionTime) this.conditionTimes.set(condition.type, { status: condition.status, time: condition.lastTransitionTime });
    }
    this.records = [
      ...(pod.spec.initContainers ?? []).map((spec) => this.newRecord(spec, spec.restartPolicy === 'Always' ? 'sidecar' : 'init')),
      ...pod.spec.containers.map((spec) => this.newRecord(spec, 'app')),
      ...ephemeralSpecs(pod).map((spec) => this.newRecord(spec, 'ephemeral')),
    ];
    this.adopt(adopted);
  }

  private newRecord(spec: Container, role: ContainerRecord['role']): ContainerRecord {
    let imageRef = spec.image ?? '';
    try {
      imageRef = normalizeImageReference(spec.image ?? '');
    } catch {
      // an invalid reference fails at start with InvalidImageName
    }
    return {
      name: spec.name,
      role,
      spec,
      current: undefined,
      previousId: undefined,
      restartCount: 0,
      lastTerminated: undefined,
      waiting: undefined,
      startError: undefined,
      started: false,
      ready: false,
      probes: undefined,
      imageRef,
    };
  }

  /** Takes over the containers a previous runner left behind (found by their labels). */
  private adopt(containers: ObservedContainer[]): void {
    const infra = containers.filter((c) => c.labels[LABEL.role] === 'infra').sort((a, b) => Number(b.running) - Number(a.running));
    this.infra = infra[0];
    this.podIP = this.infra?.labels[LABEL.podIP];
    this.sandboxAttempt = Number(this.infra?.labels[LABEL.restartCount] ?? 0);
    this.staleInfra.push(...infra.slice(1).map((c) => c.id));
    for (const record of this.records) {
      const mine = containers
        .filter((c) => c.labels[LABEL.container] === record.name && c.labels[LABEL.role] !== 'infra')
        .sort((a, b) => Number(b.labels[LABEL.restartCount] ?? 0) - Number(a.labels[LABEL.restartCount] ?? 0));
      const [current, previous, ...older] = mine;
      if (!current) continue;
      record.current = current;
      record.restartCount = Number(current.labels[LABEL.restartCount] ?? 0);
      record.previousId = previous?.id;
      if (previous && !previous.running) record.lastTerminated = this.terminatedOf(previous);
      this.extraContainers.push(...older.map((c) => c.id));
    }
  }

  /** Containers found at adoption that no run needs any more; removed on the first sync. */
  private readonly extraContainers: string[] = [];
  /** Infra containers of earlier sandboxes of this Pod, removed once nothing joins them. */
  private readonly staleInfra: string[] = [];
  private sandboxAttempt = 0;

  private get context(): PodContext {
    return {
      cluster: this.env.cluster,
      pod: this.pod,
      addresses: { podIP: this.podIP ?? '', hostIP: this.env.hostIP },
      limits: this.env.limits,
      cgroupParent: this.env.cgroupParent,
      ...(this.env.containerLogBytes ? { containerLogBytes: this.env.containerLogBytes } : {}),
      userns: this.env.userns?.mode,
      labels: this.env.labels ?? {},
    };
  }

  private get restartPolicy(): 'Always' | 'OnFailure' | 'Never' {
    return this.pod.spec.restartPolicy ?? 'Always';
  }

  private podRef(): string {
    return `${this.pod.metadata.name}_${this.pod.metadata.namespace ?? 'default'}(${this.uid})`;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, record?: ContainerRecord): void {
    const index = record ? this.records.indexOf(record) : 0;
    this.env.cluster
      .recordEvent({ pod: this.pod, type, reason, message, ...(record ? { fieldPath: fieldPath({ role: record.role, name: record.name, index }) } : {}) })
      .catch((error) => this.env.log(`recording event ${reason} failed`, error));
  }

  /** A newer copy of the Pod arrived from the API server. */
  update(pod: Pod): void {
    const before = this.pod;
    this.pod = pod;
    // `kubectl debug` adds ephemeral containers to the running Pod; the next sync starts them.
    for (const spec of ephemeralSpecs(pod)) if (!this.record(spec.name)) this.records.push(this.newRecord(spec, 'ephemeral'));
    for (const record of this.records) {
      const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...ephemeralSpecs(pod)].find((c) => c.name === record.name);
      if (spec) {
        record.spec = spec;
        try {
          record.imageRef = normalizeImageReference(spec.image ?? '');
        } catch {
          record.imageRef = spec.image ?? '';
        }
      }
    }
    const strip = (p: Pod) => JSON.stringify({ spec: p.spec, deletion: p.metadata.deletionTimestamp, grace: p.metadata.deletionGracePeriodSeconds, labels: p.metadata.labels, annotations: p.metadata.annotations });
    if (strip(before) !== strip(pod)) this.kick();
  }

  /** Asks for a sync as soon as possible. */
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
        this.env.log(`sync of pod ${this.podRef()} failed`, error);
        this.schedule(SYNC_RETRY_MS);
      }
    } while (this.dirty && !this.stopped);
  }

  private schedule(ms: number): void {
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
    this.netns?.shell.close();
    await this.running?.catch(() => undefined);
  }

  private async sync(): Promise<void> {
    if (this.pod.metadata.deletionTimestamp) {
      await this.terminate();
      return;
    }
    for (const id of this.extraContainers.splice(0)) await this.removeOrKeep(id);
    if (!this.stagingChecked) {
      await this.releaseLeftoverStaging();
      this.stagingChecked = true;
    }
    for (const id of this.staleInfra.splice(0)) {
      const gone = await forceRemoveContainer(this.env.docker, id).then(() => true, () => false);
      if (!gone) this.staleInfra.push(id);
    }
    // The API server refuses these at admission; a Pod that got past it anyway never runs here.
    const rejected = admissionErrors(this.pod);
    if (rejected.length) {
      await this.reject(rejected);
      return;
    }
    this.startTime ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
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
    if (!(await this.ensureVolumes()) || !(await this.ensureInfra())) {
      await this.report();
      return;
    }
    await this.refresh();
    await this.syncContainers();
    await this.report();
    this.schedule(this.env.resyncMs ?? RESYNC_MS);
  }

  private async reject(errors: string[]): Promise<void> {
    const message = `Pod was rejected: ${errors.join('; ')}`;
    const status: PodStatus = { phase: 'Failed', reason: 'Forbidden', message, conditions: this.pod.status?.conditions?.filter((c) => c.type === 'PodScheduled') ?? [] };
    const json = JSON.stringify(status);
    if (json === this.lastReported) return;
    this.event('Warning', 'Forbidden', message);
    this.terminal = true;
    const stored = await this.env.cluster.updatePodStatus(this.pod.metadata.namespace ?? 'default', this.pod.metadata.name ?? '', this.uid, status);
    this.lastReported = json;
    if (stored) this.pod = stored;
  }

  private volumeContext(): VolumeContext {
    return {
      cluster: this.env.cluster,
      nodeDir: this.env.nodeDir,
      podsDir: this.env.podsDir,
      addresses: { podIP: this.podIP ?? '', hostIP: this.env.hostIP },
      limits: this.env.limits,
    };
  }

  /** Container root is the sandbox's unprivileged uid: it gets the volumes the kubelet made. */
  private async handOverVolumes(volumes: Map<string, PreparedVolume>): Promise<void> {
    if (this.env.userns) await handOverVolumes(this.pod, volumes, { nodeDir: this.env.nodeDir, podsDir: this.env.podsDir }, this.env.userns.hostRoot);
  }

  private async ensureVolumes(): Promise<boolean> {
    this.podIP ??= this.env.allocatePodIP();
    // Their content follows fields a Pod update cannot change and the Pod's IP: written once per worker.
    if (!this.podFilesWritten) {
      writePodFiles(this.env.podsDir, this.pod, this.podIP, this.env.userns?.hostRoot);
      this.podFilesWritten = true;
    }
    if (this.volumes) {
      await refreshProjectedVolumes(this.pod, this.volumeContext());
      await this.handOverVolumes(this.volumes);
      return true;
    }
    try {
      this.volumes = await prepareVolumes(this.pod, this.volumeContext());
      await this.handOverVolumes(this.volumes);
      this.mountWarned = '';
      return true;
    } catch (error) {
      if (!(error instanceof MountError)) throw error;
      if (this.mountWarned !== error.message) this.event('Warning', 'FailedMount', error.message);
      this.mountWarned = error.message;
      this.schedule(SYNC_RETRY_MS);
      return false;
    }
  }

  private async ensureInfra(): Promise<boolean> {
    if (this.infra) {
      const now = await observe(this.env.docker, this.infra.id);
      if (now?.running) {
        this.infra = now;
        return true;
      }
      // The Pod's sandbox died: its namespaces are gone, so every container goes with it.
      this.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      for (const record of this.records) {
        record.probes?.stop();
        if (record.current?.running) await this.env.docker.getContainer(record.current.id).kill().catch(() => undefined);
      }
      // Removed once no container joined to it is left (the engine refuses before).
      this.staleInfra.push(this.infra.id);
      this.sandboxAttempt += 1;
      this.infra = undefined;
      await this.refresh();
    }
    this.podIP ??= this.env.allocatePodIP();
    const options = infraCreateOptions(this.context, IMAGES.pause, this.sandboxAttempt);
    await this.removeByName(options.name ?? '');
    const container = await this.env.docker.createContainer(options);
    await container.start();
    this.infra = await observe(this.env.docker, container.id);
    return Boolean(this.infra?.running);
  }

  private async removeByName(name: string): Promise<void> {
    if (!name) return;
    await forceRemoveContainer(this.env.docker, name);
  }

  /** Removes a container and what the kubelet kept for it; false when the engine kept it (another container joined its namespaces). */
  private async removeContainer(id: string | undefined): Promise<boolean> {
    if (!id) return true;
    const info = await observe(this.env.docker, id).catch(() => undefined);
    const gone = await forceRemoveContainer(this.env.docker, id, { volumes: true }).then(
      () => true,
      (error) => {
        this.env.log(`removing container ${id} failed`, error);
        return false;
      },
    );
    if (!gone) return false;
    if (info?.cgroupParent && info.labels[LABEL.role] !== 'infra') await removeContainerCgroup(info.cgroupParent, this.env.cgroupParent);
    if (info && info.labels[LABEL.role] !== 'infra') {
      this.logTails.delete(id);
      await removeTerminationLog(this.terminationLogOf(info));
      await removeUnmounted(this.stagingOf(info.labels[LABEL.container] ?? '', Number(info.labels[LABEL.restartCount] ?? 0)));
    }
    return true;
  }

  /** Removes a run no one needs any more; one the engine keeps (a debug container joined its PID namespace) is tried again later. */
  private async removeOrKeep(id: string | undefined): Promise<void> {
    if (id && !(await this.removeContainer(id))) this.extraContainers.push(id);
  }

  /** Re-reads the engine's view of every current container. */
  private async refresh(): Promise<void> {
    for (const record of this.records) {
      if (!record.current) continue;
      const now = await observe(this.env.docker, record.current.id);
      if (!now) {
        // Removed behind the kubelet's back: count it as a run that ended.
        record.startError = {
          exitCode: 137,
          reason: 'ContainerStatusUnknown',
          message: 'The container could not be located when the pod was terminated',
          ...(record.current.startedAt ? { startedAt: record.current.startedAt } : {}),
          finishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          containerID: `docker://${record.current.id}`,
        };
        record.current = { ...record.current, running: false, exitCode: 137 };
        record.probes?.stop();
        record.probes = undefined;
        record.started = false;
        record.ready = false;
        continue;
      }
      if (!now.running && now.exitCode === 137 && !now.oomKilled) {
        now.oomKilled = record.current.oomKilled || (await diedOfOom(now.cgroupParent, now.memoryLimit));
      }
      if (record.current.running && !now.running) {
        record.probes?.stop();
        record.probes = undefined;
        record.started = false;
        record.ready = false;
      }
      record.current = now;
      await this.captureLogTail(record, now);
      if (now.running && !record.probes && this.infra) this.startProbes(record);
    }
  }

  /** Where a run's learner-influenced bind sources are mounted for the engine. */
  private stagingOf(container: string, restartCount: number): string {
    return stagingRunDir(podDir(this.env.podsDir, this.uid), container, restartCount);
  }

  /**
   * Staging mounts exist only while a run starts; any found when a worker begins (a runner
   * that died mid-start) are unmounted. Safe to repeat.
   */
  private async releaseLeftoverStaging(): Promise<void> {
    for (const run of await stagedRuns(podDir(this.env.podsDir, this.uid))) await removeUnmounted(run);
  }

  private terminationLog(container: string, restartCount: number): string {
    return terminationLogPath(this.env.podsDir, this.uid, container, restartCount);
  }

  /** The termination log of the run an engine container is, by its labels. */
  private terminationLogOf(container: ObservedContainer): string {
    return this.terminationLog(container.labels[LABEL.container] ?? '', Number(container.labels[LABEL.restartCount] ?? 0));
  }

  /** The run's termination message: its termination log, else (FallbackToLogsOnError) its log tail, else the engine's error. */
  private terminationMessage(container: ObservedContainer): string {
    return readTerminationLog(this.terminationLogOf(container)) || this.logTails.get(container.id) || container.error;
  }

  /** Log tails of failed runs whose container asks for FallbackToLogsOnError, by container id. */
  private readonly logTails = new Map<string, string>();

  private async captureLogTail(record: ContainerRecord, container: ObservedContainer): Promise<void> {
    if (record.spec.terminationMessagePolicy !== 'FallbackToLogsOnError' || container.running || container.exitCode === 0 || this.logTails.has(container.id)) return;
    const tail = await logTail(this.env.docker, container.id, record.spec.tty ?? false).catch((error) => {
      this.env.log(`reading the logs of ${record.name} for its termination message failed`, error);
      return '';
    });
    // The engine's log writer may trail the exit by a moment: an empty tail right after the
    // exit is read again on a later sync instead of being kept.
    const justExited = Date.now() - Date.parse(container.finishedAt ?? '') < LOG_SETTLE_MS;
    if (!tail && justExited) {
      this.schedule(LOG_SETTLE_MS / 4);
      return;
    }
    this.logTails.set(container.id, tail);
  }

  terminatedOf(container: ObservedContainer): ContainerStateTerminated {
    const reason = container.oomKilled ? 'OOMKilled' : container.exitCode === 0 ? 'Completed' : 'Error';
    const message = this.terminationMessage(container);
    return {
      exitCode: container.exitCode,
      reason,
      ...(message ? { message } : {}),
      ...(container.startedAt ? { startedAt: container.startedAt } : {}),
      ...(container.finishedAt ? { finishedAt: container.finishedAt } : {}),
      containerID: `docker://${container.id}`,
    };
  }

  /** The state of the record's current run when it is over, else undefined. */
  exitedState(record: ContainerRecord): ContainerStateTerminated | undefined {
    if (record.startError) return record.startError;
    if (!record.current || record.current.running) return undefined;
    return this.terminatedOf(record.current);
  }

  private async syncContainers(): Promise<void> {
    const inits = this.records.filter((r) => r.role === 'init' || r.role === 'sidecar');
    const apps = this.records.filter((r) => r.role === 'app');
    // Ephemeral containers start once, even before initialization is complete, and are never restarted.
    for (const record of this.records) {
      if (record.role === 'ephemeral' && !record.current && !record.startError) await this.startContainer(record);
    }
    this.initialized = false;
    for (const record of inits) {
      if (record.role === 'sidecar') {
        await this.keepRunning(record);
        if (!record.started) return;
        continue;
      }
      const exited = this.exitedState(record);
      if (exited && exited.exitCode === 0 && !record.startError) continue;
      if (record.current?.running) return;
      if (exited) {
        if (this.restartPolicy === 'Never') {
          await this.finish('Failed');
          return;
        }
        await this.restart(record, exited);
        return;
      }
      await this.startContainer(record);
      return;
    }
    this.initialized = true;
    for (const record of apps) {
      const exited = this.exitedState(record);
      if (!record.current && !record.startError) {
        await this.startContainer(record);
        continue;
      }
      if (!exited) {
        if (record.current?.running && record.current.labels[LABEL.image] !== undefined && record.current.labels[LABEL.image] !== (record.spec.image ?? '')) {
          // `kubectl set image`: the container is replaced with the new image and counted as a restart.
          this.event('Normal', 'Killing', `Container ${record.name} definition changed, will be restarted`, record);
          await this.stopContainer(record, this.gracePeriod());
          this.kick();
        }
        continue;
      }
      const restart = this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && exited.exitCode !== 0);
      if (restart) await this.restart(record, exited);
    }
    const done = apps.every((record) => {
      const exited = this.exitedState(record);
      if (!exited) return false;
      return !(this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && exited.exitCode !== 0));
    });
    if (done) await this.finish(apps.every((r) => this.exitedState(r)?.exitCode === 0) ? 'Succeeded' : 'Failed');
  }

  /** A sidecar (or any Always container): start it, restart it with back-off when it exits. */
  private async keepRunning(record: ContainerRecord): Promise<void> {
    if (!record.current && !record.startError) {
      await this.startContainer(record);
      return;
    }
    const exited = this.exitedState(record);
    if (exited) await this.restart(record, exited);
  }

  private async restart(record: ContainerRecord, exited: ContainerStateTerminated): Promise<void> {
    const key = record.name;
    const wait = this.backoff.remaining(key);
    if (wait > 0) {
      const delay = formatDuration(this.backoff.delay(key));
      const message = `back-off ${delay} restarting failed container=${record.name} pod=${this.podRef()}`;
      if (record.waiting?.reason !== 'CrashLoopBackOff' || record.waiting.message !== message) {
        this.event('Warning', 'BackOff', `Back-off restarting failed container ${record.name} in pod ${this.podRef()}`, record);
      }
      record.waiting = { reason: 'CrashLoopBackOff', message };
      this.schedule(wait);
      return;
    }
    const ranMs = exited.startedAt && exited.finishedAt ? Date.parse(exited.finishedAt) - Date.parse(exited.startedAt) : 0;
    this.backoff.next(key, Date.now(), ranMs);
    await this.startContainer(record, exited);
  }

  private gracePeriod(): number {
    return this.pod.spec.terminationGracePeriodSeconds ?? 30;
  }

  /** Creates and starts the record's next run. `exited` is the run it replaces, if any. */
  private async startContainer(record: ContainerRecord, exited?: ContainerStateTerminated): Promise<void> {
    const infra = this.infra;
    if (!infra) return;
    // Images are local only, and only the platform's own: any other reference cannot be pulled.
    const imageId = record.imageRef ? await this.env.localImageId(record.imageRef) : undefined;
    if (!imageId) {
      this.imagePullFailed(record);
      return;
    }
    this.imageBackoff.reset(record.name);
    // `kubectl debug --target`: the ephemeral container joins the target container's PID namespace.
    const pidTarget = this.pidTargetOf(record);
    if (pidTarget === null) return;
    const restartCount = exited ? record.restartCount + 1 : record.restartCount;
    let options: Dockerode.ContainerCreateOptions;
    // A run's mounts are staged afresh (left over only when a runner died between staging and creating).
    const runDir = this.stagingOf(record.name, restartCount);
    await removeUnmounted(runDir);
    try {
      const terminationLog = this.terminationLog(record.name, restartCount);
      await prepareTerminationLog(terminationLog);
      const run = { nodeDir: this.env.nodeDir, runDir, volumes: this.volumes ?? new Map<string, PreparedVolume>() };
      const stage = async (spec: Container, env: Map<string, string>) => [...podFileBinds(this.env.podsDir, this.uid, spec), ...(await stageContainerMounts(run, spec, env))];
      // The verified platform image by id: a name re-tagged meanwhile cannot swap what runs.
      options = await containerCreateOptions(this.context, record.spec, record.role, restartCount, infra.id, imageId, stage, terminationLog);
      if (pidTarget) options.HostConfig = { ...options.HostConfig, PidMode: `container:${pidTarget}` };
    } catch (error) {
      await removeUnmounted(runDir);
      if (!(error instanceof ConfigError) && !(error instanceof MountError)) throw error;
      if (record.waiting?.reason !== 'CreateContainerConfigError' || record.waiting.message !== error.message) {
        // A hostPath that a container turned into a way out since the Pod's volumes were set up.
        if (error instanceof MountError) this.event('Warning', 'FailedMount', error.message, record);
        else this.event('Warning', 'Failed', `Error: ${error.message}`, record);
      }
      record.waiting = { reason: 'CreateContainerConfigError', message: error.message };
      this.schedule(SYNC_RETRY_MS * 5);
      return;
    }
    if (exited) {
      await this.removeOrKeep(record.previousId);
      record.previousId = record.current?.id;
      record.lastTerminated = exited;
      record.restartCount = restartCount;
    }
    this.event('Normal', 'Pulled', `Container image "${record.spec.image}" already present on machine`, record);
    await this.removeByName(options.name ?? '');
    const container = await this.env.docker.createContainer(options).catch(async (error: unknown) => {
      await removeUnmounted(runDir);
      throw error;
    });
    record.waiting = undefined;
    record.startError = undefined;
    record.started = false;
    record.ready = false;
    this.event('Normal', 'Created', `Created container: ${record.name}`, record);
    try {
      await container.start();
    } catch (error) {
      await removeUnmounted(runDir);
      const message = String((error as { json?: { message?: string } }).json?.message ?? (error as Error).message);
      record.current = await observe(this.env.docker, container.id);
      record.startError = {
        exitCode: 128,
        reason: 'StartError',
        message,
        finishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        containerID: `docker://${container.id}`,
      };
      this.event('Warning', 'Failed', `Error: ${message}`, record);
      this.kick();
      return;
    }
    // The runtime has bound the staged sources into the container's own mount namespace; the
    // host's staging mounts are not needed any more, so none outlives a start (nor the runner).
    await removeUnmounted(runDir);
    record.current = await observe(this.env.docker, container.id);
    this.event('Normal', 'Started', `Started container ${record.name}`, record);
    const postStart = record.spec.lifecycle?.postStart;
    if (postStart && record.current?.running) {
      const result = await runHandler(this.env.docker, this.handlerTarget(record), postStart, this.gracePeriod() * 1000);
      if (!result.ok) {
        this.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`, record);
        await this.env.docker.getContainer(container.id).kill().catch(() => undefined);
        this.kick();
        return;
      }
    }
    if (record.current?.running) this.startProbes(record);
    else this.kick();
  }

  /**
   * The engine id of the container whose PID namespace an ephemeral container with a
   * targetContainerName joins; undefined when it joins none of its own (no target, or the
   * whole Pod shares one); null while the target is not running (the start waits for it).
   */
  private pidTargetOf(record: ContainerRecord): string | undefined | null {
    const targetName = record.role === 'ephemeral' ? (record.spec as { targetContainerName?: string }).targetContainerName : undefined;
    if (!targetName || this.pod.spec.shareProcessNamespace) return undefined;
    const target = this.record(targetName)?.current;
    if (target?.running) return target.id;
    const message = `container ${targetName} is not running: the ephemeral container waits to join its process namespace`;
    if (record.waiting?.message !== message) this.event('Warning', 'Failed', `Error: ${message}`, record);
    record.waiting = { reason: 'CreateContainerError', message };
    this.schedule(SYNC_RETRY_MS);
    return null;
  }

  private imagePullFailed(record: ContainerRecord): void {
    const key = record.name;
    const shown = record.spec.image ?? '';
    const registryless = `failed to pull and unpack image "${record.imageRef}": this sandbox has no registry, so only local images can run: ${LOCAL_IMAGE_NAMES.join(', ')}`;
    if (!record.spec.image) {
      record.waiting = { reason: 'InvalidImageName', message: 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format' };
      return;
    }
    const wait = this.imageBackoff.remaining(key);
    // ErrImagePull stays visible for a moment even when another sync follows right away
    // (e.g. the infra container's start event), as it would between two kubelet syncs.
    if (wait > 0 && record.waiting?.reason === 'ErrImagePull' && Date.now() - (record.waitingSince ?? 0) < SYNC_RETRY_MS) {
      this.schedule(SYNC_RETRY_MS);
      return;
    }
    if (wait > 0) {
      if (record.waiting?.reason !== 'ImagePullBackOff') {
        this.event('Normal', 'BackOff', `Back-off pulling image "${shown}"`, record);
        this.event('Warning', 'Failed', 'Error: ImagePullBackOff', record);
      }
      record.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${shown}": ErrImagePull: ${registryless}` };
      this.schedule(wait);
      return;
    }
    this.imageBackoff.next(key);
    this.event('Normal', 'Pulling', `Pulling image "${shown}"`, record);
    this.event('Warning', 'Failed', `Failed to pull image "${shown}": ${registryless}`, record);
    this.event('Warning', 'Failed', 'Error: ErrImagePull', record);
    record.waiting = { reason: 'ErrImagePull', message: registryless };
    record.waitingSince = Date.now();
    // The next sync (before the back-off ends) shows ImagePullBackOff, as a real kubelet does.
    this.schedule(SYNC_RETRY_MS);
  }

  private netns: { infraId: string; shell: NetnsShell } | undefined;

  private handlerTarget(record: ContainerRecord): HandlerTarget {
    const infraId = this.infra?.id ?? '';
    if (this.netns?.infraId !== infraId) {
      this.netns?.shell.close();
      this.netns = { infraId, shell: new NetnsShell(this.env.docker, infraId) };
    }
    return { containerId: record.current?.id ?? '', netns: this.netns.shell, podIP: this.podIP ?? '', spec: record.spec };
  }

  private startProbes(record: ContainerRecord): void {
    record.probes?.stop();
    const instance = record.current?.id;
    const same = () => record.current?.id === instance && !this.stopped;
    const probes = new ContainerProbes(this.env.docker, this.handlerTarget(record), {
      onStarted: () => {
        if (!same()) return;
        record.started = true;
        this.kick();
      },
      onReady: (ready) => {
        if (!same() || record.ready === ready) return;
        record.ready = ready;
        this.kick();
      },
      onUnhealthy: (kind: ProbeKind, message) => {
        if (same()) this.event('Warning', 'Unhealthy', `${kind} probe failed: ${message}`, record);
      },
      onFailed: (kind) => {
        if (!same()) return;
        this.event('Normal', 'Killing', `Container ${record.name} failed ${kind.toLowerCase()} probe, will be restarted`, record);
        void this.stopContainer(record, record.spec.livenessProbe?.terminationGracePeriodSeconds ?? this.gracePeriod()).then(() => this.kick());
      },
    });
    record.probes = probes;
    probes.start();
  }

  /** preStop, then SIGTERM, then SIGKILL once the grace period is over. */
  private async stopContainer(record: ContainerRecord, graceSeconds: number): Promise<void> {
    const current = record.current;
    if (!current) return;
    record.probes?.stop();
    record.probes = undefined;
    const deadline = Date.now() + graceSeconds * 1000;
    const preStop = record.spec.lifecycle?.preStop;
    if (preStop && current.running && graceSeconds > 0) {
      const result = await runHandler(this.env.docker, this.handlerTarget(record), preStop, graceSeconds * 1000);
      if (!result.ok) this.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`, record);
    }
    const remaining = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    await this.env.docker.getContainer(current.id).stop({ t: remaining }).catch((error) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 304 && status !== 404) this.env.log(`stopping ${current.id} failed`, error);
    });
    record.current = (await observe(this.env.docker, current.id)) ?? { ...current, running: false };
  }

  private async finish(phase: 'Succeeded' | 'Failed', grace = this.gracePeriod()): Promise<void> {
    this.terminal = true;
    this.phase = phase;
    // A finished Pod keeps its exited containers (for logs) but stops its sidecars and sandbox.
    for (const record of this.records) {
      if (record.current?.running) await this.stopContainer(record, grace);
    }
    if (this.infra) await this.env.docker.getContainer(this.infra.id).stop({ t: 0 }).catch(() => undefined);
  }

  private evictionMessage: string | undefined;

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
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.gracePeriod();
    const stopAll = async (records: ContainerRecord[]) => {
      await Promise.all(
        records.map(async (record) => {
          if (!record.current?.running) return;
          this.event('Normal', 'Killing', `Stopping container ${record.name}`, record);
          await this.stopContainer(record, grace);
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
    this.netns?.shell.close();
    // Ephemeral containers first: the engine keeps a container whose PID namespace another one joined.
    for (const record of [...this.records].sort((a, b) => Number(b.role === 'ephemeral') - Number(a.role === 'ephemeral'))) {
      record.probes?.stop();
      await this.removeContainer(record.current?.id);
      await this.removeContainer(record.previousId);
    }
    for (const id of this.extraContainers.splice(0)) await this.removeContainer(id);
    await this.removeContainer(this.infra?.id);
    for (const id of this.staleInfra.splice(0)) await this.removeContainer(id);
    await removePodDir(this.env.podsDir, this.uid);
  }

  private async report(): Promise<void> {
    // A run can end between two refreshes (right after its start, or as the Pod finishes).
    for (const record of this.records) if (record.current) await this.captureLogTail(record, record.current);
    const status: PodStatus = buildPodStatus({
      worker: this,
      pod: this.pod,
      phase: this.terminal ? this.phase : undefined,
      initialized: this.initialized,
      infraRunning: Boolean(this.infra?.running),
      hostIP: this.env.hostIP,
      startTime: this.startTime,
      conditionTimes: this.conditionTimes,
    });
    if (this.terminalReason) Object.assign(status, this.terminalReason);
    const json = JSON.stringify(status);
    if (json === this.lastReported) return;
    const stored = await this.env.cluster.updatePodStatus(this.pod.metadata.namespace ?? 'default', this.pod.metadata.name ?? '', this.uid, status);
    this.lastReported = json;
    if (stored) this.pod = stored;
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

