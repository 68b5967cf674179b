// One virtual cluster: its object store and share of the API server, the reads every verb
// uses, and the wiring of its parts: writes follow write-rules.ts, the controllers in
// controllers/ (scheduling, namespace deletion, default service accounts, event expiry) run
// from start() to stop(), the node and its lease come from node.ts, events from events.ts,
// and its kubelet reaches it through kubelet-client.ts.

import os from 'node:os';
import type { Logger } from '../../log.js';
import type { KubeObject, ManagedFieldsEntry } from '../k8s-types.js';
import type { KubeletClusterClient, NodeRuntime } from '../node-contract.js';
import { StatusError, notFound } from '../status-error.js';
import { ApiShares, DEFAULT_API_SHARES, type ApiShareLimits } from './api-shares.js';
import { createDefaultNamespaces, createKubernetesService } from './bootstrap.js';
import { expireEvents } from './controllers/event-expiry.js';
import { finalizeTerminatingNamespaces } from './controllers/namespace-deletion.js';
import { retryUnschedulable, watchForRoom } from './controllers/scheduling.js';
import { watchServiceAccounts } from './controllers/service-accounts.js';
import { kubeletClient } from './kubelet-client.js';
import { nodeLease, refreshNode, type NodeCapacity } from './node.js';
import { matchesFields, matchesLabels, type FieldSelector, type LabelSelector } from './selectors.js';
import type { StorageBackend } from './storage.js';
import { ObjectStore, type HistoryOptions } from './store.js';
import { strategies, type Strategy } from './strategies.js';
import { createObject, deleteObject, updateObject } from './write-rules.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager: string;
  /** Replaces the computed managedFields (server-side apply computes its own). */
  managedFields?: ManagedFieldsEntry[];
  /** A write of the control plane or the kubelet: not charged to the sandbox's quota. Never set from a request. */
  internal?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  namespace?: string;
  labels?: LabelSelector;
  fields?: FieldSelector;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface VirtualClusterOptions {
  id: string;
  storage: StorageBackend;
  nodeName?: string;
  /** Per-cluster capacity shown on the node (what the kubelet enforces). */
  capacity?: NodeCapacity;
  /** The node's InternalIP, as the kubelet reports it in Pod status (display only). */
  nodeAddress?: string;
  history?: HistoryOptions;
  /** The sandbox's share of the API server (objects, bytes, watches, streams, request rate). */
  shares?: ApiShareLimits;
  /** Operator log; structured lines on stderr when unset. */
  logger?: Logger;
}

export class VirtualCluster {
  readonly id: string;
  readonly store: ObjectStore;
  readonly nodeName: string;
  readonly shares: ApiShares;
  /** What the node offers (its allocatable): shown on the Node and used by the scheduler. */
  readonly capacity: NodeCapacity;
  /** The node's InternalIP (display only). */
  readonly nodeAddress: string;
  private runtime: NodeRuntime | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribers: (() => void)[] = [];

  constructor(options: VirtualClusterOptions) {
    this.id = options.id;
    this.nodeName = options.nodeName ?? 'kubelab-node';
    this.capacity = options.capacity ?? { cpus: Math.max(1, os.cpus().length), memoryBytes: os.totalmem(), pods: 110 };
    this.nodeAddress = options.nodeAddress ?? '172.18.0.2';
    this.store = new ObjectStore(options.storage, options.history, options.logger);
    this.shares = new ApiShares(options.shares ?? DEFAULT_API_SHARES);
  }

  /** The `sandbox-quota` ResourceQuota with live usage (read-only, derived like the node's Lease). */
  sandboxQuota(): KubeObject {
    const created = this.store.peek('namespaces', undefined, 'default')?.metadata.creationTimestamp;
    return this.shares.quotaObject({ count: (r) => this.store.count(r), storedBytes: this.store.storedBytes }, created);
  }

  /** Creates what a fresh cluster has (namespaces, service accounts, the node) and starts the controllers. */
  start(): void {
    createDefaultNamespaces(this);
    refreshNode(this);
    createKubernetesService(this);
    this.unsubscribers.push(...watchServiceAccounts(this), watchForRoom(this));
    // Namespaces left Terminating by a restart finish here; events expire after an hour.
    finalizeTerminatingNamespaces(this);
    retryUnschedulable(this);
    this.timers.push(setInterval(() => this.sweep(), 30_000).unref());
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const u of this.unsubscribers) u();
    this.unsubscribers.length = 0;
    this.store.close();
  }

  destroy(): void {
    this.stop();
    this.store.destroy();
  }

  /** The node's runtime (its kubelet); without one, Pods are never started and deletes are immediate. */
  attachRuntime(runtime: NodeRuntime | undefined): void {
    this.runtime = runtime;
  }

  get nodeRuntime(): NodeRuntime | undefined {
    return this.runtime;
  }

  strategy(resource: string): Strategy {
    const s = strategies[resource];
    if (!s) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    return s;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(resource, namespace, name);
    if (!o) throw notFound(resource, name);
    return o;
  }

  list(resource: string, opts: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const s = this.strategy(resource);
    const items = this.store
      .list(resource, opts.namespace)
      .filter((o) => matchesLabels(opts.labels ?? [], o.metadata.labels) && matchesFields(opts.fields ?? [], s.fields(o)));
    return { items, resourceVersion: String(this.store.resourceVersion) };
  }

  matchesLabelsOnly(o: KubeObject, labels: LabelSelector): boolean {
    return matchesLabels(labels, o.metadata.labels);
  }

  matches(resource: string, o: KubeObject, opts: ListOptions): boolean {
    if (opts.namespace !== undefined && o.metadata.namespace !== opts.namespace) return false;
    return matchesLabels(opts.labels ?? [], o.metadata.labels) && matchesFields(opts.fields ?? [], this.strategy(resource).fields(o));
  }

  create(resource: string, namespace: string | undefined, input: KubeObject, opts: WriteOptions): KubeObject {
    return createObject(this, resource, namespace, input, opts);
  }

  /**
   * Replaces an object (PUT, or the result of a PATCH). With `subresource: 'status'` only the
   * status is taken from `input`; otherwise everything but the status.
   */
  update(resource: string, namespace: string | undefined, name: string, input: KubeObject, opts: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): KubeObject {
    return updateObject(this, resource, namespace, name, input, opts);
  }

  /** Deletes an object. Returns it, and whether it is gone already (false: graceful deletion started). */
  delete(resource: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): { object: KubeObject; gone: boolean } {
    return deleteObject(this, resource, namespace, name, opts);
  }

  /** The node's heartbeat Lease in kube-node-lease, derived from the node (read-only). */
  nodeLease(): KubeObject {
    return nodeLease(this);
  }

  /** The view the kubelet gets of this cluster. */
  kubeletClient(): KubeletClusterClient {
    return kubeletClient(this);
  }

  /** Every 30 s: expire events, finish Terminating namespaces, retry Unschedulable Pods, renew the node's heartbeat. */
  private sweep(): void {
    expireEvents(this.store);
    finalizeTerminatingNamespaces(this);
    retryUnschedulable(this);
    refreshNode(this);
  }
}
