// One virtual cluster: its objects, the rules of every write (create, update, status update,
// delete), the small controllers a real control plane runs (namespace deletion, default
// service accounts, event expiry, the one-node scheduler), and the KubeletClusterClient its
// kubelet uses.
//
// Graceful Pod deletion: DELETE sets deletionTimestamp and deletionGracePeriodSeconds; the
// kubelet stops the containers and calls removePod. A Pod that never ran (no kubelet attached,
// or already Succeeded/Failed) is removed at once, as the real server does for Pods that no
// kubelet owns. Grace period 0 (`--force --grace-period=0`) removes it at once too; the
// kubelet sees DELETED and cleans up.

import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ConfigMap, Event, KubeObject, ManagedFieldsEntry, ObjectReference, Pod, PodStatus, Secret } from '../k8s-types.js';
import type { KubeletClusterClient, NodeRuntime, PodWatchEvent } from '../node-contract.js';
import { StatusError, notFound } from '../status-error.js';
import { invalidError } from './field-errors.js';
import { recordUpdate } from './managed-fields.js';
import { fitPod, type Fit } from './scheduler.js';
import { prepareEphemeralUpdate, validateEphemeralContainersUpdate } from './pods.js';
import { STORED, type ResourceInfo } from './resources.js';
import { matchesFields, matchesLabels, type FieldSelector, type LabelSelector } from './selectors.js';
import type { StorageBackend, StoredChange } from './storage.js';
import { ObjectStore, storedSize, type HistoryOptions } from './store.js';
import { ApiShares, DEFAULT_API_SHARES, type ApiShareLimits } from './api-shares.js';
import { strategies, type Strategy } from './strategies.js';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const EVENT_TTL_MS = 60 * 60 * 1000;
const KUBE_VERSION = 'v1.33.1';

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
  capacity?: { cpus: number; memoryBytes: number; pods: number };
  /** The node's InternalIP, as the kubelet reports it in Pod status (display only). */
  nodeAddress?: string;
  history?: HistoryOptions;
  /** The sandbox's share of the API server (objects, bytes, watches, streams, request rate). */
  shares?: ApiShareLimits;
}

const now = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (n: number) => [...randomBytes(n)].map((b) => GENERATE_CHARS[b % GENERATE_CHARS.length]).join('');

export const alreadyExists = (resource: string, name: string) =>
  new StatusError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
export const conflict = (resource: string, name: string, why: string) =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });
const STALE = 'the object has been modified; please apply your changes to the latest version and try again';

export class VirtualCluster {
  readonly id: string;
  readonly store: ObjectStore;
  readonly nodeName: string;
  readonly shares: ApiShares;
  private runtime: NodeRuntime | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private readonly capacity: { cpus: number; memoryBytes: number; pods: number };
  private readonly nodeAddress: string;

  constructor(options: VirtualClusterOptions) {
    this.id = options.id;
    this.nodeName = options.nodeName ?? 'kubelab-node';
    this.capacity = options.capacity ?? { cpus: Math.max(1, os.cpus().length), memoryBytes: os.totalmem(), pods: 110 };
    this.nodeAddress = options.nodeAddress ?? '172.18.0.2';
    this.store = new ObjectStore(options.storage, options.history);
    this.shares = new ApiShares(options.shares ?? DEFAULT_API_SHARES);
  }

  /** The `sandbox-quota` ResourceQuota with live usage (read-only, derived like the node's Lease). */
  sandboxQuota(): KubeObject {
    const created = this.store.peek('namespaces', undefined, 'default')?.metadata.creationTimestamp;
    return this.shares.quotaObject({ count: (r) => this.store.count(r), storedBytes: this.store.storedBytes }, created);
  }

  /** ResourceQuota admission of a learner's write: the object count of its kind and the sandbox's stored bytes. */
  private admitQuota(resource: string, obj: KubeObject, create: boolean, opts: WriteOptions): void {
    if (opts.internal) return;
    const name = obj.metadata.name ?? '';
    const previous = create ? 0 : this.store.sizeOf(resource, obj.metadata.namespace, name);
    this.shares.admitWrite({ count: (r) => this.store.count(r), storedBytes: this.store.storedBytes }, resource, name, create, storedSize(obj), previous);
  }

  /** Creates what a fresh cluster has (namespaces, service accounts, the node) and starts the controllers. */
  start(): void {
    for (const ns of DEFAULT_NAMESPACES) {
      if (!this.store.peek('namespaces', undefined, ns)) this.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'kube-apiserver', internal: true });
      this.ensureDefaultServiceAccount(ns);
    }
    this.refreshNode();
    if (!this.store.peek('services', 'default', 'kubernetes')) this.store.create('services', kubernetesService(now()));
    this.unsubscribers.push(
      this.store.watch({
        resource: 'namespaces',
        onChange: (c) => {
          if (c.type === 'ADDED') queueMicrotask(() => this.ensureDefaultServiceAccount(c.object.metadata.name ?? ''));
        },
      }),
      this.store.watch({
        resource: 'pods',
        onChange: (c) => {
          const phase = (c.object as Pod).status?.phase;
          if (c.type === 'DELETED' || phase === 'Succeeded' || phase === 'Failed') queueMicrotask(() => this.retryUnschedulable());
        },
      }),
      this.store.watch({
        resource: 'serviceaccounts',
        onChange: (c) => {
          if (c.type === 'DELETED' && c.object.metadata.name === 'default') queueMicrotask(() => this.ensureDefaultServiceAccount(c.object.metadata.namespace ?? ''));
        },
      }),
    );
    // Namespaces left Terminating by a restart finish here; events expire after an hour.
    for (const ns of this.store.list('namespaces')) if (ns.metadata.deletionTimestamp) this.finalizeNamespace(ns.metadata.name ?? '');
    this.retryUnschedulable();
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

  private checkNamespace(info: ResourceInfo, namespace: string | undefined, name: string): void {
    if (!info.namespaced || namespace === undefined) return;
    const ns = this.store.peek('namespaces', undefined, namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp)
      throw new StatusError(403, 'Forbidden', `${info.name} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name,
        kind: info.name,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
  }

  create(resource: string, namespace: string | undefined, input: KubeObject, opts: WriteOptions): KubeObject {
    const s = this.strategy(resource);
    const info = s.info;
    // apiVersion and kind first, as the real server writes them.
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = structuredClone(input);
    const obj = { apiVersion: 'v1', kind: info.kind, ...rest } as KubeObject;
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && namespace !== undefined && meta.namespace !== namespace)
        throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = namespace ?? meta.namespace ?? 'default';
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix(5)}`;
    const ts = now();
    meta.uid = randomUUID();
    meta.creationTimestamp = ts;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    delete (meta as Record<string, unknown>)['selfLink'];
    if (meta.generation !== undefined) meta.generation = 1;
    s.prepareCreate(obj);
    const errors = s.validateCreate(obj);
    if (errors.length > 0) throw invalidError(info.kind, meta.name ?? meta.generateName ?? '', errors);
    this.admit(s, resource, obj);
    this.checkNamespace(info, meta.namespace, meta.name ?? '');
    if (this.store.peek(resource, meta.namespace, meta.name ?? '')) throw alreadyExists(resource, meta.name ?? '');
    meta.managedFields = opts.managedFields ?? recordUpdate(undefined, obj, info.definition, opts.fieldManager, ts);
    if (!meta.managedFields?.length) delete meta.managedFields;
    this.admitQuota(resource, obj, true, opts);
    if (opts.dryRun) return obj;
    const fit = resource === 'pods' ? this.schedule(obj as Pod, ts) : undefined;
    const stored = this.store.create(resource, obj);
    if (fit) this.recordScheduling(stored as Pod, fit);
    return stored;
  }

  /** Admission: 403 Forbidden with the reasons, worded like the real API server (admission.NewForbidden). */
  private admit(s: Strategy, resource: string, obj: KubeObject): void {
    const denied = s.admit?.(obj) ?? [];
    if (denied.length > 0) throw new StatusError(403, 'Forbidden', `${resource} "${obj.metadata.name ?? ''}" is forbidden: ${denied.join('; ')}`, { name: obj.metadata.name ?? '', kind: resource });
  }

  /**
   * Replaces an object (PUT, or the result of a PATCH). With `subresource: 'status'` only the
   * status is taken from `input`; otherwise everything but the status.
   */
  update(resource: string, namespace: string | undefined, name: string, input: KubeObject, opts: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): KubeObject {
    const s = this.strategy(resource);
    const info = s.info;
    const prev = this.store.get(resource, info.namespaced ? namespace : undefined, name);
    if (!prev) throw notFound(resource, name);
    if (input.metadata?.name && input.metadata.name !== name)
      throw new StatusError(400, 'BadRequest', `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    if (info.namespaced && input.metadata?.namespace && input.metadata.namespace !== namespace)
      throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    if (input.metadata?.resourceVersion && input.metadata.resourceVersion !== prev.metadata.resourceVersion) throw conflict(resource, name, STALE);
    if (input.metadata?.uid && input.metadata.uid !== prev.metadata.uid)
      throw conflict(resource, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${prev.metadata.uid}`);
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = structuredClone(prev);
      (next as unknown as Record<string, unknown>)['status'] = structuredClone((input as unknown as Record<string, unknown>)['status']);
    } else if (opts.subresource === 'ephemeralcontainers') {
      // Only spec.ephemeralContainers is taken from the request; they are judged like any container.
      next = prepareEphemeralUpdate(input as Pod, prev as Pod);
      const errors = validateEphemeralContainersUpdate(next as Pod, prev as Pod);
      if (errors.length > 0) throw invalidError(info.kind, name, errors);
      this.admit(s, resource, next);
    } else {
      next = structuredClone(input);
      next.apiVersion = 'v1';
      next.kind = info.kind;
      next.metadata ??= {};
      const m = next.metadata;
      const p = prev.metadata;
      m.name = p.name;
      if (info.namespaced) m.namespace = p.namespace;
      m.uid = p.uid;
      m.creationTimestamp = p.creationTimestamp;
      if (p.deletionTimestamp) m.deletionTimestamp = p.deletionTimestamp;
      else delete m.deletionTimestamp;
      if (p.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = p.deletionGracePeriodSeconds;
      else delete m.deletionGracePeriodSeconds;
      if (p.generation !== undefined) m.generation = p.generation;
      if (p.deletionTimestamp && (m.finalizers ?? []).some((f) => !(p.finalizers ?? []).includes(f)))
        throw invalidError(info.kind, name, [{ field: 'metadata.finalizers', reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted' }]);
      s.prepareUpdate(next, prev);
      const errors = s.validateUpdate(next, prev);
      if (errors.length > 0) throw invalidError(info.kind, name, errors);
      // An update can change what admission judged (annotations, images, ephemeral containers):
      // judged again whenever the spec or the annotations change, as PodSecurity does.
      const judged = (o: KubeObject) => JSON.stringify([(o as unknown as { spec?: unknown }).spec, o.metadata.annotations]);
      if (judged(next) !== judged(prev)) this.admit(s, resource, next);
    }
    const ts = now();
    next.metadata.resourceVersion = prev.metadata.resourceVersion;
    const managed = recordUpdate(prev, next, info.definition, opts.fieldManager, ts, opts.subresource);
    if (opts.managedFields) next.metadata.managedFields = opts.managedFields;
    else if (input.metadata?.managedFields !== undefined && opts.subresource !== 'status' && !sameJson(input.metadata.managedFields, prev.metadata.managedFields)) {
      // A client may reset or rewrite managedFields explicitly (kubectl does so when migrating to server-side apply).
      next.metadata.managedFields = input.metadata.managedFields.length ? input.metadata.managedFields : undefined;
    } else next.metadata.managedFields = managed;
    if (!next.metadata.managedFields?.length) delete next.metadata.managedFields;
    if (sameObject(prev, next)) return prev;
    this.admitQuota(resource, next, false, opts);
    if (opts.dryRun) return next;
    const stored = this.store.update(resource, next);
    this.maybeFinishDeletion(resource, stored);
    return stored;
  }

  /** Deletes an object. Returns it, and whether it is gone already (false: graceful deletion started). */
  delete(resource: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): { object: KubeObject; gone: boolean } {
    const s = this.strategy(resource);
    const info = s.info;
    const ns = info.namespaced ? namespace : undefined;
    const prev = this.store.get(resource, ns, name);
    if (!prev) throw notFound(resource, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== prev.metadata.uid)
      throw conflict(resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${prev.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== prev.metadata.resourceVersion)
      throw conflict(resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${prev.metadata.resourceVersion}`);
    if (resource === 'namespaces') return this.deleteNamespace(prev, opts);
    if (resource === 'pods') return this.deletePod(prev as Pod, opts);
    if ((prev.metadata.finalizers ?? []).length > 0) {
      if (prev.metadata.deletionTimestamp) return { object: prev, gone: false };
      const next = structuredClone(prev);
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
      return { object: opts.dryRun ? next : this.store.update(resource, next), gone: false };
    }
    if (opts.dryRun) return { object: prev, gone: true };
    return { object: this.store.delete(resource, prev), gone: true };
  }

  private deletePod(prev: Pod, opts: DeleteOptions): { object: KubeObject; gone: boolean } {
    let grace = opts.gracePeriodSeconds ?? prev.spec.terminationGracePeriodSeconds ?? 30;
    if (grace < 0) grace = 1;
    const phase = prev.status?.phase;
    if (!this.runtime || !prev.spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
    const finalizers = (prev.metadata.finalizers ?? []).length > 0;
    if (prev.metadata.deletionTimestamp) {
      // A second delete may only shorten the grace period.
      const remaining = Math.max(0, (Date.parse(prev.metadata.deletionTimestamp) - Date.now()) / 1000);
      if (grace >= remaining && grace !== 0) return { object: prev, gone: false };
    }
    if (grace === 0 && !finalizers) {
      if (opts.dryRun) return { object: prev, gone: true };
      return { object: this.store.delete('pods', prev), gone: true };
    }
    const next = structuredClone(prev);
    next.metadata.deletionTimestamp = new Date(Math.floor(Date.now() / 1000) * 1000 + grace * 1000).toISOString().replace('.000Z', 'Z');
    next.metadata.deletionGracePeriodSeconds = grace;
    if (opts.dryRun) return { object: next, gone: false };
    return { object: this.store.update('pods', next), gone: false };
  }

  private deleteNamespace(prev: KubeObject, opts: DeleteOptions): { object: KubeObject; gone: boolean } {
    const name = prev.metadata.name ?? '';
    if (UNDELETABLE_NAMESPACES.has(name))
      throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    if (prev.metadata.deletionTimestamp) return { object: prev, gone: false };
    const next = structuredClone(prev) as KubeObject & { status?: Record<string, unknown> };
    next.metadata.deletionTimestamp = now();
    next.metadata.deletionGracePeriodSeconds = 0;
    next.status = { phase: 'Terminating' };
    if (opts.dryRun) return { object: next, gone: false };
    const stored = this.store.update('namespaces', next);
    queueMicrotask(() => this.finalizeNamespace(name));
    return { object: stored, gone: false };
  }

  /** Deletes what is left in a Terminating namespace, and the namespace once it is empty. */
  private finalizeNamespace(name: string): void {
    const ns = this.store.peek('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const resource of Object.keys(STORED)) {
      if (!STORED[resource]?.namespaced) continue;
      for (const o of this.store.list(resource, name)) {
        if (resource === 'pods') {
          if (!o.metadata.deletionTimestamp) this.deletePod(o as Pod, {});
        } else if (this.store.peek(resource, name, o.metadata.name ?? '')) this.store.delete(resource, o);
      }
    }
    if (this.store.count('pods', name) === 0) {
      const current = this.store.get('namespaces', undefined, name);
      if (current) this.store.delete('namespaces', current);
    }
  }

  private maybeFinishDeletion(resource: string, o: KubeObject): void {
    if (!o.metadata.deletionTimestamp || (o.metadata.finalizers ?? []).length > 0) return;
    if (resource === 'namespaces') return;
    if (resource === 'pods' && o.metadata.deletionGracePeriodSeconds !== 0) return;
    this.store.delete(resource, o);
    if (resource === 'pods') this.finalizeNamespace(o.metadata.namespace ?? '');
  }

  private ensureDefaultServiceAccount(namespace: string): void {
    const ns = this.store.peek('namespaces', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || this.store.peek('serviceaccounts', namespace, 'default')) return;
    this.create('serviceaccounts', namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, { fieldManager: 'kube-controller-manager', internal: true });
  }

  private sweep(): void {
    const cutoff = Date.now() - EVENT_TTL_MS;
    for (const e of this.store.list('events') as Event[]) {
      const last = Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp ?? '');
      if (last < cutoff) this.store.delete('events', e);
    }
    for (const ns of this.store.list('namespaces')) if (ns.metadata.deletionTimestamp) this.finalizeNamespace(ns.metadata.name ?? '');
    this.retryUnschedulable();
    this.refreshNode();
  }

  /** The node object, with a fresh heartbeat (at most once a minute, to keep resourceVersions calm). */
  private refreshNode(): void {
    const prev = this.store.get('nodes', undefined, this.nodeName);
    const ts = now();
    if (prev) {
      const ready = (prev as unknown as { status?: { conditions?: { lastHeartbeatTime?: string }[] } }).status?.conditions?.[0]?.lastHeartbeatTime;
      if (ready && Date.now() - Date.parse(ready) < 60_000) return;
    }
    const node = buildNode(this.nodeName, this.nodeAddress, this.capacity, prev, ts);
    if (prev) this.store.update('nodes', node);
    else this.recordNodeStart(this.store.create('nodes', node));
  }

  /** The node's heartbeat Lease in kube-node-lease, derived from the node (read-only). */
  nodeLease(): KubeObject {
    const node = this.store.peek('nodes', undefined, this.nodeName);
    const status = (node as unknown as { status?: { conditions?: { type: string; lastHeartbeatTime?: string }[] } } | undefined)?.status;
    const heartbeat = status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? now();
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.nodeName,
        namespace: 'kube-node-lease',
        uid: node?.metadata.uid,
        resourceVersion: node?.metadata.resourceVersion,
        creationTimestamp: node?.metadata.creationTimestamp,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node?.metadata.uid ?? '' }],
      },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: 40, renewTime: heartbeat.replace('Z', '.000000Z') },
    } as KubeObject;
  }

  /**
   * Binds an unbound Pod to the node when it fits (spec.nodeName and PodScheduled=True), or
   * marks it Unschedulable with kube-scheduler's reason. A Pod created with a nodeName skips
   * the scheduler, as it does on a real cluster. Returns undefined when the scheduler is not involved.
   */
  private schedule(pod: Pod, ts: string): Fit | undefined {
    if (pod.spec.nodeName) return undefined;
    const bound = (this.store.list('pods') as Pod[]).filter(
      (p) => p.metadata.uid !== pod.metadata.uid && p.spec.nodeName === this.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    const fit = fitPod(pod, { name: this.nodeName, labels: nodeLabels(this.nodeName), allocatable: { cpu: this.capacity.cpus, memoryBytes: allocatableMemory(this.capacity.memoryBytes), pods: this.capacity.pods } }, bound);
    const status = (pod.status ??= { phase: 'Pending' });
    const others = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    if (fit.fits) {
      pod.spec.nodeName = this.nodeName;
      status.conditions = [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts }, ...others];
    } else {
      const previous = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      status.conditions = [
        { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: previous?.lastTransitionTime ?? ts, reason: 'Unschedulable', message: fit.message },
        ...others,
      ];
    }
    return fit;
  }

  private recordScheduling(pod: Pod, fit: Fit): void {
    if (fit.fits) this.recordPodEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.nodeName}`, undefined, 'default-scheduler');
    else this.recordPodEvent(pod, 'Warning', 'FailedScheduling', fit.message, undefined, 'default-scheduler');
  }

  /**
   * Tries the Unschedulable Pods again, oldest first, when something freed room on the node (a
   * Pod deleted or finished) or after a restart, as kube-scheduler requeues them on such events.
   */
  private retryUnschedulable(): void {
    const waiting = (this.store.list('pods') as Pod[])
      .filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'))
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    for (const prev of waiting) {
      const next = structuredClone(prev);
      const fit = this.schedule(next, now());
      if (!fit?.fits) continue;
      this.recordScheduling(this.store.update('pods', next) as Pod, fit);
    }
  }

  recordPodEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string, component = 'kubelet'): void {
    const ns = pod.metadata.namespace ?? 'default';
    this.recordEvent(
      ns,
      { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
      type,
      reason,
      message,
      component,
    );
  }

  /**
   * Records a core/v1 Event in `namespace` about `involved`. A repeat of the same (object,
   * reason, message, fieldPath, source) bumps count and lastTimestamp, as real recorders do.
   */
  private recordEvent(namespace: string, involved: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    if (!this.store.peek('namespaces', undefined, namespace)) return;
    const ts = now();
    const match = this.store.find('events', namespace, (o) => {
      const e = o as Event;
      return (
        e.involvedObject.uid === involved.uid &&
        e.reason === reason &&
        e.message === message &&
        (e.involvedObject.fieldPath ?? '') === (involved.fieldPath ?? '') &&
        e.source?.component === component
      );
    });
    if (match) {
      const existing = structuredClone(match) as Event;
      existing.count = (existing.count ?? 1) + 1;
      existing.lastTimestamp = ts;
      this.store.update('events', existing);
      return;
    }
    const onNode = component === 'kubelet';
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.name}.${eventSuffix()}`, namespace, uid: randomUUID(), creationTimestamp: ts },
      involvedObject: involved,
      reason,
      message,
      source: onNode ? { component, host: this.nodeName } : { component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: onNode ? this.nodeName : '',
    };
    this.store.create('events', event);
  }

  /** The events a real node records when its kubelet starts and registers. */
  private recordNodeStart(node: KubeObject): void {
    const ref: ObjectReference = { kind: 'Node', name: this.nodeName, uid: node.metadata.uid };
    const n = this.nodeName;
    this.recordEvent('default', ref, 'Normal', 'Starting', 'Starting kubelet.', 'kubelet');
    this.recordEvent('default', ref, 'Normal', 'NodeHasSufficientMemory', `Node ${n} status is now: NodeHasSufficientMemory`, 'kubelet');
    this.recordEvent('default', ref, 'Normal', 'NodeHasNoDiskPressure', `Node ${n} status is now: NodeHasNoDiskPressure`, 'kubelet');
    this.recordEvent('default', ref, 'Normal', 'NodeHasSufficientPID', `Node ${n} status is now: NodeHasSufficientPID`, 'kubelet');
    this.recordEvent('default', ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', 'kubelet');
    this.recordEvent('default', ref, 'Normal', 'RegisteredNode', `Node ${n} event: Registered Node ${n} in Controller`, 'node-controller');
    this.recordEvent('default', ref, 'Normal', 'NodeReady', `Node ${n} status is now: NodeReady`, 'kubelet');
  }

  /** The view the kubelet gets of this cluster. */
  kubeletClient(): KubeletClusterClient {
    const cluster = this;
    return {
      clusterId: this.id,
      nodeName: this.nodeName,
      watchPods(onEvent: (event: PodWatchEvent) => void): () => void {
        for (const pod of cluster.store.list('pods') as Pod[]) onEvent({ type: 'ADDED', pod });
        return cluster.store.watch({ resource: 'pods', onChange: (c: StoredChange) => onEvent({ type: c.type, pod: c.object as Pod }) });
      },
      listPods: () => cluster.store.list('pods') as Pod[],
      getPod: (namespace, name) => cluster.store.get('pods', namespace, name) as Pod | undefined,
      async updatePodStatus(namespace: string, name: string, uid: string, status: PodStatus): Promise<Pod | undefined> {
        const prev = cluster.store.get('pods', namespace, name) as Pod | undefined;
        if (!prev || prev.metadata.uid !== uid) return undefined;
        const input = structuredClone(prev);
        input.status = structuredClone(status);
        return cluster.update('pods', namespace, name, input, { fieldManager: 'kubelet', subresource: 'status', internal: true }) as Pod;
      },
      async removePod(namespace: string, name: string, uid: string): Promise<void> {
        const prev = cluster.store.get('pods', namespace, name);
        if (!prev || prev.metadata.uid !== uid) return;
        if ((prev.metadata.finalizers ?? []).length > 0) {
          // The containers are gone; the object stays until its finalizers are removed.
          if (prev.metadata.deletionGracePeriodSeconds !== 0) {
            prev.metadata.deletionGracePeriodSeconds = 0;
            cluster.store.update('pods', prev);
          }
          return;
        }
        cluster.store.delete('pods', prev);
        cluster.finalizeNamespace(namespace);
      },
      getConfigMap: (namespace, name) => cluster.store.get('configmaps', namespace, name) as ConfigMap | undefined,
      getSecret: (namespace, name) => cluster.store.get('secrets', namespace, name) as Secret | undefined,
      async recordEvent(e) {
        cluster.recordPodEvent(e.pod, e.type, e.reason, e.message, e.fieldPath);
      },
    };
  }
}

let lastEventNanos = 0n;
/** As upstream, an event's name ends in its creation time in hex nanoseconds, so names sort in time order. */
function eventSuffix(): string {
  let nanos = BigInt(Date.now()) * 1_000_000n;
  if (nanos <= lastEventNanos) nanos = lastEventNanos + 1n;
  lastEventNanos = nanos;
  return nanos.toString(16);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Equal apart from managedFields timestamps: such an update is a no-op and keeps its resourceVersion. */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = structuredClone(o);
    for (const m of c.metadata.managedFields ?? []) delete m.time;
    return c;
  };
  return sameJson(sortKeys(strip(a)), sortKeys(strip(b)));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** The API server's own Service, which every real cluster has in `default`. */
function kubernetesService(ts: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      uid: randomUUID(),
      creationTimestamp: ts,
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  } as KubeObject;
}

function osImage(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

const nodeArch = () => (process.arch === 'x64' ? 'amd64' : process.arch);

/** The node's labels: what nodeSelector and node affinity match against. */
function nodeLabels(name: string): Record<string, string> {
  const arch = nodeArch();
  return { 'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
}

/** Memory as the node reports it (whole KiB), so the scheduler and `kubectl describe node` agree. */
const allocatableMemory = (bytes: number) => Math.floor(bytes / 1024) * 1024;

function buildNode(name: string, address: string, cap: { cpus: number; memoryBytes: number; pods: number }, prev: KubeObject | undefined, ts: string): KubeObject {
  const memKi = `${allocatableMemory(cap.memoryBytes) / 1024}Ki`;
  const prevStatus = (prev as unknown as { status?: { conditions?: { type: string; lastTransitionTime?: string }[]; nodeInfo?: Record<string, string> } } | undefined)?.status;
  const since = (type: string) => prevStatus?.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? ts;
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: ts, lastTransitionTime: since(type), reason, message });
  const capacity = { cpu: String(cap.cpus), 'ephemeral-storage': '20971520Ki', memory: memKi, pods: String(cap.pods), 'hugepages-2Mi': '0' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...(prev?.metadata ?? {}),
      name,
      uid: prev?.metadata.uid ?? randomUUID(),
      creationTimestamp: prev?.metadata.creationTimestamp ?? ts,
      labels: nodeLabels(name),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: prevStatus?.nodeInfo?.['machineID'] ?? randomBytes(16).toString('hex'),
        systemUUID: prevStatus?.nodeInfo?.['systemUUID'] ?? randomUUID(),
        bootID: prevStatus?.nodeInfo?.['bootID'] ?? randomUUID(),
        kernelVersion: os.release(),
        osImage: osImage(),
        containerRuntimeVersion: 'podman://4.3.1',
        kubeletVersion: KUBE_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: nodeArch(),
      },
    },
  } as KubeObject;
}
