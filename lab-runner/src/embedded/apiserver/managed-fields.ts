// Field ownership (metadata.managedFields). Every write records which manager set which
// fields, in the FieldsV1 format (`f:<field>`, `k:{<list keys>}`, `v:<value>`, `.` for the
// element itself). Server-side apply uses the same sets to find conflicts.

import type { KubeObject, ManagedFieldsEntry } from '../k8s-types.js';
import { definition, objectDefinition } from './schema/index.js';
import type { Definition, Schema } from './schema/model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** path (tokens joined by "\n") -> canonical JSON of the value ('' for element markers). */
export type Leaves = Map<string, string>;

const SEP = '\n';
const METADATA_TRACKED = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences', 'generateName']);
const NOT_TRACKED = new Set(['apiVersion', 'kind', 'metadata', 'status']);

function itemKey(item: unknown, keys: string[]): string {
  const o = isObj(item) ? item : {};
  const k: Obj = {};
  for (const name of keys) if (o[name] !== undefined) k[name] = o[name];
  return `k:${JSON.stringify(k)}`;
}

function walk(value: unknown, schema: Schema | undefined, path: string, out: Leaves): void {
  if (schema?.type === 'ref') {
    const d = objectDefinition(schema);
    if (d && isObj(value) && Object.keys(value).length > 0) {
      walkObject(value, d, path, out);
      return;
    }
  } else if (schema?.type === 'map' && isObj(value) && Object.keys(value).length > 0) {
    out.set(path + SEP + '.', '');
    for (const [k, v] of Object.entries(value)) walk(v, schema.values, `${path}${SEP}f:${k}`, out);
    return;
  } else if (schema?.type === 'array' && Array.isArray(value) && value.length > 0) {
    if (schema.listType === 'map' && schema.listMapKeys) {
      for (const item of value) {
        const p = `${path}${SEP}${itemKey(item, schema.listMapKeys)}`;
        out.set(p + SEP + '.', '');
        const d = objectDefinition(schema.items);
        if (d && isObj(item)) walkObject(item, d, p, out);
        else out.set(p, JSON.stringify(item));
      }
      return;
    }
    if (schema.listType === 'set') {
      for (const item of value) out.set(`${path}${SEP}v:${JSON.stringify(item)}`, '');
      return;
    }
  }
  out.set(path, JSON.stringify(value));
}

function walkObject(obj: Obj, def: Definition, prefix: string, out: Leaves): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    const field = def.fields[k];
    walk(v, field?.schema, prefix ? `${prefix}${SEP}f:${k}` : `f:${k}`, out);
  }
}

/** The tracked leaves of an object: `status` only for the status subresource, everything else otherwise. */
export function leavesOf(obj: KubeObject, definitionName: string, subresource?: string): Leaves {
  const def = definition(definitionName);
  const out: Leaves = new Map();
  const o = obj as unknown as Obj;
  if (subresource === 'status') {
    const s = o['status'];
    if (isObj(s)) walk(s, def.fields['status']?.schema, 'f:status', out);
    return out;
  }
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || NOT_TRACKED.has(k)) continue;
    walk(v, def.fields[k]?.schema, `f:${k}`, out);
  }
  const meta = obj.metadata as unknown as Obj;
  const metaDef = definition('meta.ObjectMeta');
  for (const [k, v] of Object.entries(meta)) {
    if (!METADATA_TRACKED.has(k) || v === undefined || v === null) continue;
    walk(v, metaDef.fields[k]?.schema, `f:metadata${SEP}f:${k}`, out);
  }
  return out;
}

export function toFieldsV1(paths: Iterable<string>): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const token of p.split(SEP)) {
      if (!isObj(cur[token])) cur[token] = {};
      cur = cur[token] as Obj;
    }
  }
  return root;
}

export function fromFieldsV1(tree: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (!isObj(tree)) return out;
  for (const [k, v] of Object.entries(tree)) {
    const p = prefix ? `${prefix}${SEP}${k}` : k;
    const children = isObj(v) ? Object.keys(v).length : 0;
    if (children === 0) out.add(p);
    else for (const c of fromFieldsV1(v, p)) out.add(c);
  }
  return out;
}

/** `.spec.containers[name="web"].image`, as conflict messages print a path. */
export function displayPath(p: string): string {
  let out = '';
  for (const token of p.split(SEP)) {
    if (token === '.') continue;
    if (token.startsWith('f:')) out += `.${token.slice(2)}`;
    else if (token.startsWith('k:')) {
      const keys = JSON.parse(token.slice(2)) as Obj;
      out += `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else if (token.startsWith('v:')) out += `[=${token.slice(2)}]`;
  }
  return out;
}

interface Ownership {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  fields: Set<string>;
}

export function readOwnership(entries: ManagedFieldsEntry[] | undefined): Ownership[] {
  return (entries ?? []).map((e) => ({
    manager: e.manager ?? '',
    operation: e.operation ?? 'Update',
    subresource: e.subresource,
    apiVersion: e.apiVersion ?? 'v1',
    time: e.time ?? '',
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

export function writeOwnership(owners: Ownership[]): ManagedFieldsEntry[] | undefined {
  const entries = owners
    .filter((o) => o.fields.size > 0)
    .map(
      (o): ManagedFieldsEntry => ({
        manager: o.manager,
        operation: o.operation,
        apiVersion: o.apiVersion,
        time: o.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1([...o.fields].sort()),
        ...(o.subresource ? { subresource: o.subresource } : {}),
      }),
    );
  return entries.length ? entries : undefined;
}

const sameOwner = (o: Ownership, manager: string, operation: string, subresource?: string) =>
  o.manager === manager && o.operation === operation && (o.subresource ?? '') === (subresource ?? '');

/**
 * Records a non-apply write by `manager`: it takes the fields whose values it changed; fields
 * that disappeared are dropped from every manager.
 */
export function recordUpdate(
  prev: KubeObject | undefined,
  next: KubeObject,
  definitionName: string,
  manager: string,
  now: string,
  subresource?: string,
): ManagedFieldsEntry[] | undefined {
  const before = prev ? leavesOf(prev, definitionName, subresource) : new Map<string, string>();
  const after = leavesOf(next, definitionName, subresource);
  const changed = new Set<string>();
  for (const [p, v] of after) if (before.get(p) !== v || !before.has(p)) changed.add(p);
  const allAfter = subresource === 'status' ? null : after;
  const owners = readOwnership(prev?.metadata.managedFields);
  for (const o of owners) {
    const tracksThis = (o.subresource ?? '') === (subresource ?? '');
    for (const p of [...o.fields]) {
      if (tracksThis && (changed.has(p) || (allAfter ? !allAfter.has(p) && !p.startsWith('f:status') : !after.has(p)))) o.fields.delete(p);
    }
  }
  if (changed.size > 0) {
    let mine = owners.find((o) => sameOwner(o, manager, 'Update', subresource));
    if (!mine) {
      mine = { manager, operation: 'Update', subresource, apiVersion: 'v1', time: now, fields: new Set() };
      owners.push(mine);
    }
    for (const p of changed) mine.fields.add(p);
    mine.time = now;
  }
  return writeOwnership(owners);
}

export { SEP as PATH_SEPARATOR };
