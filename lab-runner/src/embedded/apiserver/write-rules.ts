// The rules of every write to a virtual cluster, as the real API server applies them: create,
// update (whole object, status, ephemeral containers) and delete, with defaults and validation
// from the kind's strategy, admission, the sandbox's quota, field ownership, preconditions and
// finalizers. What a write sets off (binding a Pod, finishing a namespace) is in controllers/.

import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject, Pod } from '../k8s-types.js';
import { StatusError, notFound } from '../status-error.js';
import type { DeleteOptions, VirtualCluster, WriteOptions } from './cluster.js';
import { finalizeNamespace, deleteNamespace } from './controllers/namespace-deletion.js';
import { recordScheduling, schedule } from './controllers/scheduling.js';
import { invalidError } from './field-errors.js';
import { recordUpdate } from './managed-fields.js';
import { deletePod } from './pod-deletion.js';
import { prepareEphemeralUpdate, validateEphemeralContainersUpdate } from './pods.js';
import type { ResourceInfo } from './resources.js';
import { storedSize } from './store.js';
import type { Strategy } from './strategies.js';
import { now } from './timestamps.js';

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (n: number) => [...randomBytes(n)].map((b) => GENERATE_CHARS[b % GENERATE_CHARS.length]).join('');

const alreadyExists = (resource: string, name: string) =>
  new StatusError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
const conflict = (resource: string, name: string, why: string) =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });
const STALE = 'the object has been modified; please apply your changes to the latest version and try again';

/** ResourceQuota admission of a learner's write: the object count of its kind and the sandbox's stored bytes. */
function admitQuota(cluster: VirtualCluster, resource: string, obj: KubeObject, create: boolean, opts: WriteOptions): void {
  if (opts.internal) return;
  const name = obj.metadata.name ?? '';
  const previous = create ? 0 : cluster.store.sizeOf(resource, obj.metadata.namespace, name);
  cluster.shares.admitWrite({ count: (r) => cluster.store.count(r), storedBytes: cluster.store.storedBytes }, resource, name, create, storedSize(obj), previous);
}

function checkNamespace(cluster: VirtualCluster, info: ResourceInfo, namespace: string | undefined, name: string): void {
  if (!info.namespaced || namespace === undefined) return;
  const ns = cluster.store.peek('namespaces', undefined, namespace);
  if (!ns) throw notFound('namespaces', namespace);
  if (ns.metadata.deletionTimestamp)
    throw new StatusError(403, 'Forbidden', `${info.name} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      name,
      kind: info.name,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
}

export function createObject(cluster: VirtualCluster, resource: string, namespace: string | undefined, input: KubeObject, opts: WriteOptions): KubeObject {
  const s = cluster.strategy(resource);
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
  admit(s, resource, obj);
  checkNamespace(cluster, info, meta.namespace, meta.name ?? '');
  if (cluster.store.peek(resource, meta.namespace, meta.name ?? '')) throw alreadyExists(resource, meta.name ?? '');
  meta.managedFields = opts.managedFields ?? recordUpdate(undefined, obj, info.definition, opts.fieldManager, ts);
  if (!meta.managedFields?.length) delete meta.managedFields;
  admitQuota(cluster, resource, obj, true, opts);
  if (opts.dryRun) return obj;
  const fit = resource === 'pods' ? schedule(cluster, obj as Pod, ts) : undefined;
  const stored = cluster.store.create(resource, obj);
  if (fit) recordScheduling(cluster, stored as Pod, fit);
  return stored;
}

/** Admission: 403 Forbidden with the reasons, worded like the real API server (admission.NewForbidden). */
function admit(s: Strategy, resource: string, obj: KubeObject): void {
  const denied = s.admit?.(obj) ?? [];
  if (denied.length > 0) throw new StatusError(403, 'Forbidden', `${resource} "${obj.metadata.name ?? ''}" is forbidden: ${denied.join('; ')}`, { name: obj.metadata.name ?? '', kind: resource });
}

/**
 * Replaces an object (PUT, or the result of a PATCH). With `subresource: 'status'` only the
 * status is taken from `input`; otherwise everything but the status.
 */
export function updateObject(cluster: VirtualCluster, resource: string, namespace: string | undefined, name: string, input: KubeObject, opts: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): KubeObject {
  const s = cluster.strategy(resource);
  const info = s.info;
  const prev = cluster.store.get(resource, info.namespaced ? namespace : undefined, name);
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
    admit(s, resource, next);
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
    if (judged(next) !== judged(prev)) admit(s, resource, next);
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
  admitQuota(cluster, resource, next, false, opts);
  if (opts.dryRun) return next;
  const stored = cluster.store.update(resource, next);
  maybeFinishDeletion(cluster, resource, stored);
  return stored;
}

/** Deletes an object. Returns it, and whether it is gone already (false: graceful deletion started). */
export function deleteObject(cluster: VirtualCluster, resource: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): { object: KubeObject; gone: boolean } {
  const s = cluster.strategy(resource);
  const info = s.info;
  const ns = info.namespaced ? namespace : undefined;
  const prev = cluster.store.get(resource, ns, name);
  if (!prev) throw notFound(resource, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== prev.metadata.uid)
    throw conflict(resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${prev.metadata.uid}`);
  if (pre?.resourceVersion && pre.resourceVersion !== prev.metadata.resourceVersion)
    throw conflict(resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${prev.metadata.resourceVersion}`);
  if (resource === 'namespaces') return deleteNamespace(cluster, prev, opts);
  if (resource === 'pods') return deletePod(cluster, prev as Pod, opts);
  if ((prev.metadata.finalizers ?? []).length > 0) {
    if (prev.metadata.deletionTimestamp) return { object: prev, gone: false };
    const next = structuredClone(prev);
    next.metadata.deletionTimestamp = now();
    next.metadata.deletionGracePeriodSeconds = 0;
    return { object: opts.dryRun ? next : cluster.store.update(resource, next), gone: false };
  }
  if (opts.dryRun) return { object: prev, gone: true };
  return { object: cluster.store.delete(resource, prev), gone: true };
}

function maybeFinishDeletion(cluster: VirtualCluster, resource: string, o: KubeObject): void {
  if (!o.metadata.deletionTimestamp || (o.metadata.finalizers ?? []).length > 0) return;
  if (resource === 'namespaces') return;
  if (resource === 'pods' && o.metadata.deletionGracePeriodSeconds !== 0) return;
  cluster.store.delete(resource, o);
  if (resource === 'pods') finalizeNamespace(cluster, o.metadata.namespace ?? '');
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
