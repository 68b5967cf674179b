// What the parts of one Pod's worker share: the node's services (WorkerEnv) and the Pod's
// state. PodWorker implements WorkerContext; its parts (sandbox, start, lifecycle, removal,
// status) take it, so none of them imports the worker.

import type Dockerode from 'dockerode';
import type { Pod } from '../k8s-types.js';
import type { KubeletClusterClient } from '../node-contract.js';
import type { PodContext } from './container-config.js';
import type { ContainerRecord } from './container-record.js';
import type { ObservedContainer } from './engine.js';
import type { PreparedVolume } from './volumes.js';

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

export interface WorkerContext {
  readonly env: WorkerEnv;
  /** The latest copy of the Pod from the API server. */
  pod: Pod;
  readonly uid: string;
  readonly records: ContainerRecord[];
  /** The sandbox (infra) container whose namespaces every container joins. */
  infra: ObservedContainer | undefined;
  podIP: string | undefined;
  volumes: Map<string, PreparedVolume> | undefined;
  /** Every init container has completed (sidecars have started) in the last sync. */
  initialized: boolean;
  /** No more syncs or probes: the worker stopped or the Pod is gone. */
  readonly stopped: boolean;
  /** Containers found at adoption, or runs the engine kept, that no run needs; retried on each sync. */
  readonly extraContainers: string[];
  /** Infra containers of earlier sandboxes of this Pod, removed once nothing joins them. */
  readonly staleInfra: string[];
  /** How many sandboxes this Pod had before the current one (the infra's restart count). */
  sandboxAttempt: number;
  event(type: 'Normal' | 'Warning', reason: string, message: string, record?: ContainerRecord): void;
  /** Asks for a sync in `ms` (the earliest request wins). */
  schedule(ms: number): void;
  /** Asks for a sync as soon as possible. */
  kick(): void;
  record(name: string): ContainerRecord | undefined;
}

/** How soon a sync that could not finish its work is tried again. */
export const SYNC_RETRY_MS = 2_000;

export function podRef(ctx: Pick<WorkerContext, 'pod' | 'uid'>): string {
  return `${ctx.pod.metadata.name}_${ctx.pod.metadata.namespace ?? 'default'}(${ctx.uid})`;
}

export function gracePeriod(pod: Pod): number {
  return pod.spec.terminationGracePeriodSeconds ?? 30;
}

export function restartPolicy(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  return pod.spec.restartPolicy ?? 'Always';
}

/** What container-config needs to build the Pod's engine containers. */
export function podContext(ctx: WorkerContext): PodContext {
  const { env } = ctx;
  return {
    cluster: env.cluster,
    pod: ctx.pod,
    addresses: { podIP: ctx.podIP ?? '', hostIP: env.hostIP },
    limits: env.limits,
    cgroupParent: env.cgroupParent,
    ...(env.containerLogBytes ? { containerLogBytes: env.containerLogBytes } : {}),
    userns: env.userns?.mode,
    labels: env.labels ?? {},
  };
}
