// The embedded cluster's kubelet: one per virtual cluster. It watches the cluster's Pods,
// runs each through a PodWorker on the container engine (dockerode against Podman's
// Docker-compatible API or a Docker Engine), adopts what a previous runner left running,
// and serves logs, exec, attach and port-forward.

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { IMAGES, platformImageId } from '../../images/index.js';
import type { Pod } from '../k8s-types.js';
import type { Kubelet, KubeletFactory, KubeletOptions, PodWatchEvent } from '../node-contract.js';
import { engineProfile } from '../../engines/profile.js';
import { stderrLogger, type Logger } from '../../log.js';
import { forceRemoveContainer } from '../../engines/remove-container.js';
import { subscribeContainerEvents } from './engine-events.js';
import { isNotFound, observe, type ObservedContainer } from './engine.js';
import { DEFAULT_DISK_SHARES, EvictionManager, type DiskShares } from './eviction.js';
import { userNamespacePool } from './engine-security.js';
import { LABEL, USERNS_HOLDER_ROLE } from './labels.js';
import { PodWorker } from './pod-worker.js';
import { DEFAULT_CGROUP_PARENT, prepareSandboxCgroup, removeSandboxCgroup } from './sandbox-cgroup.js';
import { attachToPod, execInPod, portForwardToPod, streamLogs } from './streams.js';
import { holdUserNamespace, removalStage } from './userns-holders.js';
import { podDir, removePodDir } from './volumes.js';

/** The node's address as shown in Pod status (display only: no traffic is ever sent to it). */
export const NODE_HOST_IP = '172.18.0.2';

export interface KubeletDeps {
  docker?: Dockerode;
  /** How often each Pod is re-synced without an event (volumes refreshed, drift repaired). */
  resyncMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Disk shares of each sandbox, enforced by eviction (eviction.ts). */
  disk?: DiskShares;
  /** Sandbox cgroups live under this cgroup (relative to each controller's root). */
  cgroupParent?: string;
  /** Put on every container this kubelet creates (the install's identity). */
  labels?: Record<string, string>;
}

// One engine client for every kubelet of the process, so the sandboxes share one engine event
// stream (engine-events.ts keeps one per client) instead of opening one each.
let sharedEngine: Dockerode | undefined;
const engine = (): Dockerode => (sharedEngine ??= new Dockerode());

class EmbeddedKubelet implements Kubelet {
  private readonly docker: Dockerode;
  private readonly workers = new Map<string, PodWorker>();
  private unwatch: (() => void) | undefined;
  private unsubscribeEvents: (() => void) | undefined;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private cgroupParent: string | undefined;
  private userns: { mode: string; hostRoot: number } | undefined;
  private nextIP = 2;
  private readonly imageIds = new Map<string, string>();
  private readonly log: (message: string, error?: unknown) => void;
  private readonly resyncMs: number | undefined;
  private readonly disk: DiskShares;
  private readonly cgroupBase: string;
  private readonly eviction: EvictionManager;
  private readonly labels: Record<string, string>;

  constructor(
    private readonly options: KubeletOptions,
    deps: KubeletDeps,
  ) {
    this.docker = deps.docker ?? engine();
    this.resyncMs = deps.resyncMs;
    this.disk = deps.disk ?? DEFAULT_DISK_SHARES;
    this.cgroupBase = deps.cgroupParent ?? DEFAULT_CGROUP_PARENT;
    this.labels = deps.labels ?? {};
    this.log = deps.log ?? kubeletLog(stderrLogger({ component: 'kubelet', cluster: options.cluster.clusterId }));
    this.eviction = new EvictionManager({
      docker: this.docker,
      nodeDir: options.nodeDir,
      shares: this.disk,
      log: this.log,
      pods: () =>
        [...this.workers.values()]
          .filter((worker) => !worker.isTerminal)
          .map((worker) => ({
            pod: worker.pod,
            emptyDirPath: (volume: string) => join(podDir(options.podsDir, worker.uid), 'volumes', volume),
            containerIds: () => worker.containerIds(),
            evict: async (message: string) => worker.evict(message),
          })),
    });
  }

  /** One local-storage eviction pass now (tests; it also runs every DiskShares.intervalMs). */
  checkEviction(): Promise<void> {
    return this.eviction.check();
  }

  private get clusterId(): string {
    return this.options.cluster.clusterId;
  }

  private async clusterContainers(): Promise<ObservedContainer[]> {
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${this.clusterId}`] } });
    const observed: ObservedContainer[] = [];
    for (const item of listed) {
      const one = await observe(this.docker, item.Id);
      if (one) observed.push(one);
    }
    return observed;
  }

  private async removeContainer(id: string): Promise<void> {
    await forceRemoveContainer(this.docker, id, { volumes: true }).catch((error) => this.log(`removing container ${id} failed`, error));
  }

  private allocatePodIP(): string {
    const ip = `10.244.0.${this.nextIP}`;
    this.nextIP = this.nextIP >= 254 ? 2 : this.nextIP + 1;
    return ip;
  }

  private async localImageId(reference: string): Promise<string | undefined> {
    const cached = this.imageIds.get(reference);
    if (cached) return cached;
    const id = await platformImageId(this.docker, reference);
    if (id) this.imageIds.set(reference, id);
    return id;
  }

  private workerFor(pod: Pod): PodWorker | undefined {
    return this.workers.get(pod.metadata.uid ?? '');
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'running';
    await mkdir(this.options.nodeDir, { recursive: true });
    await mkdir(this.options.podsDir, { recursive: true });
    // Fails closed: a sandbox whose pids, memory and CPU limits cannot be applied does not start.
    this.cgroupParent = await prepareSandboxCgroup(this.clusterId, this.options.limits, this.cgroupBase);
    const all = await this.clusterContainers();
    const existing = all.filter((c) => c.labels[LABEL.role] !== USERNS_HOLDER_ROLE);
    this.userns = await this.sandboxUserNamespace();
    const byPod = new Map<string, ObservedContainer[]>();
    for (const container of existing) {
      const uid = container.labels[LABEL.podUid] ?? '';
      byPod.set(uid, [...(byPod.get(uid) ?? []), container]);
    }
    for (const container of existing) {
      const ip = /^10\.244\.0\.(\d+)$/.exec(container.labels[LABEL.podIP] ?? '');
      if (ip) this.nextIP = Math.max(this.nextIP, Number(ip[1]) + 1);
    }
    this.unsubscribeEvents = subscribeContainerEvents(this.docker, this.clusterId, (event) => {
      if (!event.podUid || !['die', 'start', 'oom', 'remove', 'died', 'kill'].includes(event.action)) return;
      this.workers.get(event.podUid)?.kick();
    });
    this.unwatch = this.options.cluster.watchPods((event) => this.onPodEvent(event, byPod));
    this.eviction.start();
    // Containers of Pods that no longer exist (deleted while the runner was down) go away.
    const live = new Set(this.options.cluster.listPods().map((p) => p.metadata.uid ?? ''));
    for (const [uid, containers] of byPod) {
      if (live.has(uid)) continue;
      // Ephemeral containers first, infra last: the engine keeps a container whose namespaces another one joined.
      const rank = (c: (typeof containers)[number]) => (c.labels[LABEL.role] === 'ephemeral' ? 0 : c.labels[LABEL.role] === 'infra' ? 2 : 1);
      const ordered = [...containers].sort((a, b) => rank(a) - rank(b));
      for (const container of ordered) await this.removeContainer(container.id);
      await removePodDir(this.options.podsDir, uid);
    }
    // Pod directories (and their staging mounts) of Pods that never got a container, too.
    for (const uid of await readdir(this.options.podsDir)) if (!live.has(uid) && !byPod.has(uid)) await removePodDir(this.options.podsDir, uid);
    byPod.clear();
  }

  /**
   * The sandbox's user namespace: one range of host ids for all its Pods (they share hostPath
   * directories, so files keep one owner), kept by a holder container that every Pod's infra
   * container joins (userns-holders.ts). On a Docker Engine that remaps every container
   * (engines/profile.ts), the daemon's one range, with no UsernsMode to set (mode ''): the
   * volumes are still handed to its root. Undefined where the engine cannot (no subordinate
   * ids, no remapping) or KUBELAB_USERNS=off: containers then run in the host's user
   * namespace, confined by capabilities, seccomp and no-new-privileges alone.
   */
  private async sandboxUserNamespace(): Promise<{ mode: string; hostRoot: number } | undefined> {
    const { remapRoot } = await engineProfile(this.docker);
    if (remapRoot !== undefined) return { mode: '', hostRoot: remapRoot };
    const pool = await userNamespacePool(this.docker);
    if (!pool) return undefined;
    const owner = { [LABEL.cluster]: this.clusterId, [LABEL.role]: USERNS_HOLDER_ROLE };
    return holdUserNamespace(this.docker, pool, owner, { ...this.labels, [LABEL.managed]: 'true' });
  }

  private onPodEvent(event: PodWatchEvent, adoptable: Map<string, ObservedContainer[]>): void {
    if (this.state !== 'running') return;
    const pod = event.pod;
    const uid = pod.metadata.uid ?? '';
    // Not bound here (still unschedulable, or bound to another node): not ours to run.
    if (pod.spec.nodeName !== this.options.cluster.nodeName) return;
    const worker = this.workers.get(uid);
    if (event.type === 'DELETED') {
      if (!worker) return;
      this.workers.delete(uid);
      // Gone from the API (force delete): nothing to wait for, the containers go now.
      void worker
        .stop()
        .then(() => worker.removeAll())
        .catch((error) => this.log(`cleaning up deleted pod ${pod.metadata.name} failed`, error));
      return;
    }
    if (worker) {
      worker.update(pod);
      return;
    }
    const created = new PodWorker(
      {
        docker: this.docker,
        cluster: this.options.cluster,
        nodeDir: this.options.nodeDir,
        podsDir: this.options.podsDir,
        limits: this.options.limits,
        cgroupParent: this.cgroupParent,
        containerLogBytes: this.disk.containerLogBytes,
        userns: this.userns,
        hostIP: NODE_HOST_IP,
        allocatePodIP: () => this.allocatePodIP(),
        localImageId: (reference) => this.localImageId(reference),
        log: this.log,
        labels: this.labels,
        ...(this.resyncMs ? { resyncMs: this.resyncMs } : {}),
      },
      pod,
      adoptable.get(uid) ?? [],
    );
    adoptable.delete(uid);
    this.workers.set(uid, created);
    created.kick();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.eviction.stop();
    this.unwatch?.();
    this.unsubscribeEvents?.();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
  }

  async destroy(): Promise<void> {
    await this.stop();
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${this.clusterId}`] } });
    // Ephemeral containers first, infra containers and the user-namespace holder last: the engine refuses
    // to remove a container while others join its namespaces (the infra's, or a `kubectl debug --target` container's PID namespace).
    const role = (c: Dockerode.ContainerInfo) => c.Labels?.[LABEL.role];
    await Promise.all(listed.filter((c) => role(c) === 'ephemeral').map((c) => this.removeContainer(c.Id)));
    const rest = listed.filter((c) => role(c) !== 'ephemeral');
    for (const stage of [0, 1, 2]) await Promise.all(rest.filter((c) => removalStage(c.Labels ?? {}) === stage).map((c) => this.removeContainer(c.Id)));
    const dirs = await readdir(this.options.podsDir).catch(() => [] as string[]);
    for (const uid of new Set([...listed.map((c) => c.Labels?.[LABEL.podUid] ?? '').filter(Boolean), ...dirs])) {
      await removePodDir(this.options.podsDir, uid);
    }
    await removeSandboxCgroup(this.clusterId, this.cgroupBase);
    // Podman's exec monitors linger in the sandbox cgroup for its exit_command_delay (300 s by
    // default) and keep it busy; try again once they are gone.
    if (!(await engineProfile(this.docker)).execMonitorsLingerInCgroup) return;
    const retry = setTimeout(() => void removeSandboxCgroup(this.clusterId, this.cgroupBase), 310_000);
    retry.unref();
  }

  logs: Kubelet['logs'] = (pod, options, signal) => streamLogs(this.docker, (p) => this.workerFor(p), pod, options, signal);
  exec: Kubelet['exec'] = (pod, command, options) => execInPod(this.docker, (p) => this.workerFor(p), pod, command, options);
  attach: Kubelet['attach'] = (pod, options) => attachToPod(this.docker, (p) => this.workerFor(p), pod, options);
  portForward: Kubelet['portForward'] = (pod, port) => portForwardToPod(this.docker, (p) => this.workerFor(p), pod, port);
}

/** The kubelet's `(message, error)` log as warnings of a structured logger. */
export function kubeletLog(logger: Logger): NonNullable<KubeletDeps['log']> {
  return (message, error) => logger.warn('kubelet', { message, ...(error === undefined ? {} : { error }) });
}

export function createKubeletWith(deps: KubeletDeps): KubeletFactory {
  return (options) => new EmbeddedKubelet(options, deps);
}

export const createKubelet: KubeletFactory = createKubeletWith({});
