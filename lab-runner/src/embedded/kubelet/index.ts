// The embedded cluster's kubelet: one per virtual cluster. It watches the cluster's Pods,
// runs each through a PodWorker on the container engine (dockerode against Podman's
// Docker-compatible API or a Docker Engine), adopts what a previous runner left running,
// and serves logs, exec, attach and port-forward.

import { mkdir, readdir } from 'node:fs/promises';
import Dockerode from 'dockerode';
import { normalizeImageReference } from '../../images/index.js';
import type { Pod } from '../k8s-types.js';
import type { Kubelet, KubeletFactory, KubeletOptions, PodWatchEvent } from '../node-contract.js';
import { subscribeContainerEvents } from './engine-events.js';
import { isNotFound, observe, type ObservedContainer } from './engine.js';
import { LABEL } from './labels.js';
import { PodWorker } from './pod-worker.js';
import { prepareSandboxCgroup, removeSandboxCgroup } from './sandbox-cgroup.js';
import { attachToPod, execInPod, portForwardToPod, streamLogs } from './streams.js';
import { removePodDir } from './volumes.js';

export { admissionErrors } from './admission.js';

/** The node's address as shown in Pod status (display only: no traffic is ever sent to it). */
export const NODE_HOST_IP = '172.18.0.2';

export interface KubeletDeps {
  docker?: Dockerode;
  /** How often each Pod is re-synced without an event (volumes refreshed, drift repaired). */
  resyncMs?: number;
  log?: (message: string, error?: unknown) => void;
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
  private nextIP = 2;
  private readonly imageIds = new Map<string, string>();
  private readonly log: (message: string, error?: unknown) => void;
  private readonly resyncMs: number | undefined;

  constructor(
    private readonly options: KubeletOptions,
    deps: KubeletDeps,
  ) {
    this.docker = deps.docker ?? engine();
    this.resyncMs = deps.resyncMs;
    this.log =
      deps.log ??
      ((message, error) => {
        console.error(`[kubelet ${options.cluster.clusterId}] ${message}${error ? `: ${(error as Error).message ?? String(error)}` : ''}`);
      });
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
    await this.docker.getContainer(id).remove({ force: true, v: true }).catch((error) => {
      if (!isNotFound(error)) this.log(`removing container ${id} failed`, error);
    });
  }

  private allocatePodIP(): string {
    const ip = `10.244.0.${this.nextIP}`;
    this.nextIP = this.nextIP >= 254 ? 2 : this.nextIP + 1;
    return ip;
  }

  private async localImageId(reference: string): Promise<string | undefined> {
    const cached = this.imageIds.get(reference);
    if (cached) return cached;
    try {
      const info = await this.docker.getImage(normalizeImageReference(reference)).inspect();
      this.imageIds.set(reference, info.Id);
      return info.Id;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private workerFor(pod: Pod): PodWorker | undefined {
    return this.workers.get(pod.metadata.uid ?? '');
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'running';
    await mkdir(this.options.nodeDir, { recursive: true });
    await mkdir(this.options.podsDir, { recursive: true });
    this.cgroupParent = await prepareSandboxCgroup(this.clusterId, this.options.limits);
    const existing = await this.clusterContainers();
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
    // Containers of Pods that no longer exist (deleted while the runner was down) go away.
    const live = new Set(this.options.cluster.listPods().map((p) => p.metadata.uid ?? ''));
    for (const [uid, containers] of byPod) {
      if (live.has(uid)) continue;
      const ordered = [...containers].sort((a, b) => Number(a.labels[LABEL.role] === 'infra') - Number(b.labels[LABEL.role] === 'infra'));
      for (const container of ordered) await this.removeContainer(container.id);
      await removePodDir(this.options.podsDir, uid);
    }
    // Pod directories (and their staging mounts) of Pods that never got a container, too.
    for (const uid of await readdir(this.options.podsDir)) if (!live.has(uid) && !byPod.has(uid)) await removePodDir(this.options.podsDir, uid);
    byPod.clear();
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
        hostIP: NODE_HOST_IP,
        allocatePodIP: () => this.allocatePodIP(),
        localImageId: (reference) => this.localImageId(reference),
        log: this.log,
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
    this.unwatch?.();
    this.unsubscribeEvents?.();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
  }

  async destroy(): Promise<void> {
    await this.stop();
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${this.clusterId}`] } });
    // Infra containers last: the engine refuses to remove one while containers join its namespaces.
    const isInfra = (c: Dockerode.ContainerInfo) => c.Labels?.[LABEL.role] === 'infra';
    await Promise.all(listed.filter((c) => !isInfra(c)).map((c) => this.removeContainer(c.Id)));
    await Promise.all(listed.filter(isInfra).map((c) => this.removeContainer(c.Id)));
    const dirs = await readdir(this.options.podsDir).catch(() => [] as string[]);
    for (const uid of new Set([...listed.map((c) => c.Labels?.[LABEL.podUid] ?? '').filter(Boolean), ...dirs])) {
      await removePodDir(this.options.podsDir, uid);
    }
    await removeSandboxCgroup(this.clusterId);
    // Podman's exec monitors linger in the sandbox cgroup for its exit_command_delay (300 s by
    // default) and keep it busy; try again once they are gone.
    const retry = setTimeout(() => void removeSandboxCgroup(this.clusterId), 310_000);
    retry.unref();
  }

  logs: Kubelet['logs'] = (pod, options, signal) => streamLogs(this.docker, (p) => this.workerFor(p), pod, options, signal);
  exec: Kubelet['exec'] = (pod, command, options) => execInPod(this.docker, (p) => this.workerFor(p), pod, command, options);
  attach: Kubelet['attach'] = (pod, options) => attachToPod(this.docker, (p) => this.workerFor(p), pod, options);
  portForward: Kubelet['portForward'] = (pod, port) => portForwardToPod(this.docker, (p) => this.workerFor(p), pod, port);
}

export function createKubeletWith(deps: KubeletDeps): KubeletFactory {
  return (options) => new EmbeddedKubelet(options, deps);
}

export const createKubelet: KubeletFactory = createKubeletWith({});
