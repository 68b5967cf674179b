// The contract between a virtual cluster's API server and its kubelet, both in the runner's
// process. The API server owns the objects; the kubelet runs Pods on the container engine,
// reports their status and events, and serves the streaming subresources.
//
// Rules (as in virtual-kubelet): every call may be repeated safely; objects passed either
// way are copies that the receiver may keep but the sender never mutates afterwards.

import type { Duplex, Readable, Writable } from 'node:stream';
import type { ConfigMap, Pod, PodStatus, Secret } from './k8s-types.js';

export type PodWatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: Pod };

/** The kubelet's view of its one virtual cluster (implemented by the API server). */
export interface KubeletClusterClient {
  readonly clusterId: string;
  /** The single node's name, as set in every Pod's spec.nodeName. */
  readonly nodeName: string;
  /** Calls `onEvent` with ADDED for every Pod that exists now, then for every change, until unsubscribed. */
  watchPods(onEvent: (event: PodWatchEvent) => void): () => void;
  listPods(): Pod[];
  getPod(namespace: string, name: string): Pod | undefined;
  /**
   * Replaces the Pod's status (the status subresource). Resolves to the stored Pod, or to
   * undefined when no Pod with this uid exists any more (deleted, or re-created under the same name).
   */
  updatePodStatus(namespace: string, name: string, uid: string, status: PodStatus): Promise<Pod | undefined>;
  /** Removes a Pod whose deletion the kubelet has finished (its containers are gone); a no-op if already gone or the uid differs. */
  removePod(namespace: string, name: string, uid: string): Promise<void>;
  getConfigMap(namespace: string, name: string): ConfigMap | undefined;
  getSecret(namespace: string, name: string): Secret | undefined;
  /**
   * Records a core/v1 Event about a Pod, as `source.component: kubelet`. A repeat of the same
   * (object, reason, message, fieldPath) bumps `count` and `lastTimestamp` as a real cluster's do.
   */
  recordEvent(event: {
    pod: Pod;
    type: 'Normal' | 'Warning';
    reason: string;
    message: string;
    /** e.g. `spec.containers{count}` */
    fieldPath?: string;
  }): Promise<void>;
}

export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

export interface StreamOptions {
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface TerminalSize { width: number; height: number }

/** A running exec or attach: the API server pumps these to the client's channels. */
export interface StreamSession {
  stdin: Writable | null;
  stdout: Readable | null;
  /** null with a TTY (stderr is merged into stdout) or when not requested */
  stderr: Readable | null;
  resize(size: TerminalSize): void;
  /** Resolves when the process ends (exec) or the attach is over. Never rejects. */
  readonly result: Promise<{ exitCode: number } | { error: string }>;
  /** Ends the session from the client side (connection closed); safe to call twice. */
  close(): void;
}

/**
 * What the API server needs from the node for the streaming subresources. Errors are thrown as
 * StatusError with the real kubelet's wording, e.g. BadRequest `container "x" in pod "p" is
 * waiting to start: ContainerCreating`, or `container x is not valid for pod p`.
 */
export interface NodeRuntime {
  logs(pod: Pod, options: LogOptions, signal: AbortSignal): Promise<Readable>;
  exec(pod: Pod, command: string[], options: StreamOptions): Promise<StreamSession>;
  attach(pod: Pod, options: StreamOptions): Promise<StreamSession>;
  /** A byte stream to `port` on the Pod's loopback (inside its network namespace). */
  portForward(pod: Pod, port: number): Promise<Duplex>;
}

/** The kubelet of one virtual cluster. Same surface as every long-running component. */
export interface Kubelet extends NodeRuntime {
  /** Adopts the containers that already exist for this cluster (after a runner restart), then syncs Pods. */
  start(): Promise<void>;
  /** Stops syncing; leaves containers running so a restarted runner adopts them. Safe twice. */
  stop(): Promise<void>;
  /** Removes every container and every emptyDir of this cluster (the cluster is being deleted). Safe twice. */
  destroy(): Promise<void>;
}

export interface KubeletOptions {
  cluster: KubeletClusterClient;
  /** The sandbox's node directory: hostPath volumes map below it, never to the real host. */
  nodeDir: string;
  /** Where the kubelet keeps per-Pod data (emptyDirs, projected volumes, logs it needs). */
  podsDir: string;
  /** Per-sandbox limits that hold across all its containers. */
  limits: { pids: number; memoryBytes: number; cpus: number };
}

export type KubeletFactory = (options: KubeletOptions) => Kubelet;
