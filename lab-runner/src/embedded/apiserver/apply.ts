// Server-side apply (PATCH application/apply-patch+yaml): the applied configuration is merged
// into the live object with the schema's list keys; the field manager comes to own exactly
// the fields it applied; fields it applied before and left out now are removed unless another
// manager owns them; changing a value another manager owns is a conflict unless forced.

import type { KubeObject, ManagedFieldsEntry } from '../k8s-types.js';
import { StatusError, badRequest, notFound } from '../status-error.js';
import type { VirtualCluster } from './cluster.js';
import { displayPath, leavesOf, PATH_SEPARATOR, readOwnership, writeOwnership } from './managed-fields.js';
import { strategicMergeFor } from './patch.js';
import type { ResourceInfo } from './resources.js';
import { now } from './timestamps.js';

export interface ApplyOptions {
  fieldManager: string;
  force: boolean;
  dryRun: boolean;
  subresource?: 'status';
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes the element a managed-fields path names (a field, a keyed list item, a set value). */
function deletePath(root: Obj, path: string): void {
  const tokens = path.split(PATH_SEPARATOR);
  if (tokens[tokens.length - 1] === '.') tokens.pop();
  let parent: unknown = root;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const last = i === tokens.length - 1;
    if (t.startsWith('f:')) {
      if (!isObj(parent)) return;
      const key = t.slice(2);
      if (last) {
        delete parent[key];
        return;
      }
      parent = parent[key];
    } else if (t.startsWith('k:') || t.startsWith('v:')) {
      if (!Array.isArray(parent)) return;
      const match = JSON.parse(t.slice(2)) as unknown;
      const idx = parent.findIndex((item) =>
        t.startsWith('v:') ? JSON.stringify(item) === JSON.stringify(match) : isObj(item) && isObj(match) && Object.entries(match).every(([k, v]) => item[k] === v),
      );
      if (idx < 0) return;
      if (last) {
        parent.splice(idx, 1);
        return;
      }
      parent = parent[idx];
    } else return;
  }
}

function conflictError(conflicts: { manager: string; path: string }[]): StatusError {
  const label = (m: string) => `"${m}" using v1`;
  let detail: string;
  if (conflicts.length === 1) {
    const c = conflicts[0] as { manager: string; path: string };
    detail = `conflict with ${label(c.manager)}: ${displayPath(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), displayPath(c.path)]);
    detail = [...byManager.keys()]
      .sort()
      .flatMap((m) => [`conflicts with ${label(m)}:`, ...(byManager.get(m) ?? []).map((p) => `- ${p}`)])
      .join('\n');
  }
  const n = conflicts.length;
  return new StatusError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${detail}`, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${label(c.manager)}`, field: displayPath(c.path) })),
  });
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * `kubectl apply --server-side` after `kubectl apply`: as upstream, the manager "kubectl" may
 * take over, without --force-conflicts, every field that the client-side last-applied
 * configuration set, so switching to server-side apply does not conflict with yourself.
 */
function migratingFromClientSideApply(current: KubeObject, info: ResourceInfo, manager: string, conflicts: { path: string }[]): boolean {
  if (manager !== 'kubectl') return false;
  const raw = current.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return false;
  let lastApplied: KubeObject;
  try {
    lastApplied = JSON.parse(raw) as KubeObject;
  } catch {
    return false;
  }
  if (!isObj(lastApplied)) return false;
  lastApplied.metadata ??= {};
  const allowed = leavesOf(lastApplied, info.definition);
  return conflicts.every((c) => allowed.has(c.path));
}

export function serverSideApply(
  cluster: VirtualCluster,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  applied: KubeObject,
  opts: ApplyOptions,
): { object: KubeObject; created: boolean } {
  if (applied.metadata.name && applied.metadata.name !== name)
    throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  if (!applied.apiVersion || !applied.kind) throw badRequest('invalid object type: /, Kind=');
  const ns = info.namespaced ? namespace : undefined;
  const appliedLeaves = leavesOf(applied, info.definition, opts.subresource);
  const ts = now();
  const current = cluster.store.get(info.name, ns, name);

  if (!current) {
    if (opts.subresource) throw notFound(info.name, name);
    const obj = structuredClone(applied);
    obj.metadata.name = name;
    const entry: ManagedFieldsEntry[] | undefined = writeOwnership([
      { manager: opts.fieldManager, operation: 'Apply', apiVersion: 'v1', time: ts, fields: new Set(appliedLeaves.keys()) },
    ]);
    const created = cluster.create(info.name, ns, obj, { fieldManager: opts.fieldManager, dryRun: opts.dryRun, managedFields: entry ?? [] });
    return { object: created, created: true };
  }

  const currentLeaves = leavesOf(current, info.definition, opts.subresource);
  const owners = readOwnership(current.metadata.managedFields);
  const isMine = (o: (typeof owners)[number]) => o.manager === opts.fieldManager && o.operation === 'Apply' && (o.subresource ?? '') === (opts.subresource ?? '');
  const conflicts: { manager: string; path: string }[] = [];
  const changed = new Set<string>();
  for (const [p, v] of appliedLeaves) {
    if (!currentLeaves.has(p) || currentLeaves.get(p) === v) continue;
    changed.add(p);
    for (const o of owners) if (!isMine(o) && o.fields.has(p)) conflicts.push({ manager: o.manager, path: p });
  }
  if (conflicts.length > 0 && !opts.force && !migratingFromClientSideApply(current, info, opts.fieldManager, conflicts)) throw conflictError(conflicts);

  // Merge the applied configuration into the live object.
  const base = structuredClone(current) as unknown as Obj;
  const patch = structuredClone(applied) as unknown as Obj;
  if (opts.subresource === 'status') {
    for (const k of Object.keys(patch)) if (k !== 'status' && k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') delete patch[k];
  } else delete patch['status'];
  const merged = strategicMergeFor(info.definition, base, patch) as Obj;

  // Fields this manager applied before but not now go away, unless someone else owns them.
  const mine = owners.find(isMine);
  const dropped = [...(mine?.fields ?? [])].filter((p) => !appliedLeaves.has(p) && !owners.some((o) => o !== mine && o.fields.has(p)));
  dropped.sort((a, b) => a.length - b.length);
  for (const p of dropped) deletePath(merged, p);

  // New ownership: this manager owns what it applied; forced or changed fields leave the others.
  for (const o of owners) {
    if (isMine(o)) continue;
    for (const p of changed) o.fields.delete(p);
  }
  const next = owners.filter((o) => !isMine(o));
  next.push({ manager: opts.fieldManager, operation: 'Apply', subresource: opts.subresource, apiVersion: 'v1', time: ts, fields: new Set(appliedLeaves.keys()) });
  const managedFields = writeOwnership(next) ?? [];
  const input = merged as unknown as KubeObject;
  input.metadata.resourceVersion = current.metadata.resourceVersion;
  const updated = cluster.update(info.name, ns, name, input, {
    fieldManager: opts.fieldManager,
    dryRun: opts.dryRun,
    subresource: opts.subresource,
    managedFields,
  });
  return { object: updated, created: false };
}
