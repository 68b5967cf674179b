// The three PATCH formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
// Kubernetes strategic merge patch, whose list semantics come from the schema (merge keys,
// patch strategies) and which understands the `$patch`, `$setElementOrder/…`,
// `$retainKeys` and `$deleteFromPrimitiveList/…` directives.

import { StatusError, badRequest } from '../status-error.js';
import { definition, objectDefinition } from './schema/index.js';
import type { Definition, Schema } from './schema/model.js';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(original: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(p: unknown): string[] {
  if (typeof p !== 'string') throw jsonPatchError('missing or invalid "path"');
  if (p === '') return [];
  if (!p.startsWith('/')) throw jsonPatchError(`invalid path ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map(unescapePointer);
}

const jsonPatchError = (msg: string) => new StatusError(422, 'Invalid', msg);

function getAt(doc: Json, path: string[]): Json {
  let cur: Json = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return undefined;
      cur = cur[i];
    } else if (isObj(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function parentOf(doc: Json, path: string[], op: string, raw: string): { parent: Obj | Json[]; key: string } {
  const parent = getAt(doc, path.slice(0, -1));
  if (!isObj(parent) && !Array.isArray(parent)) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
  return { parent, key: path[path.length - 1] ?? '' };
}

function addAt(doc: Json, path: string[], value: Json, op: string, raw: string): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path, op, raw);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
    parent.splice(i, 0, value);
  } else parent[key] = value;
  return doc;
}

function removeAt(doc: Json, path: string[], op: string, raw: string): Json {
  const { parent, key } = parentOf(doc, path, op, raw);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent)) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
}

export function jsonPatch(original: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: Json = structuredClone(original);
  for (const raw of ops) {
    if (!isObj(raw)) throw badRequest('json: cannot unmarshal into Go value of type jsonpatch.Operation');
    const op = raw['op'];
    const pathRaw = String(raw['path'] ?? '');
    const path = parsePointer(raw['path']);
    switch (op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(raw['value']), 'add', pathRaw);
        break;
      case 'remove':
        removeAt(doc, path, 'remove', pathRaw);
        break;
      case 'replace':
        if (path.length === 0) doc = structuredClone(raw['value']);
        else {
          removeAt(doc, path, 'replace', pathRaw);
          doc = addAt(doc, path, structuredClone(raw['value']), 'replace', pathRaw);
        }
        break;
      case 'move': {
        const fromRaw = String(raw['from'] ?? '');
        const v = removeAt(doc, parsePointer(raw['from']), 'move', fromRaw);
        doc = addAt(doc, path, v, 'move', pathRaw);
        break;
      }
      case 'copy': {
        const v = getAt(doc, parsePointer(raw['from']));
        if (v === undefined) throw jsonPatchError(`copy operation does not apply: doc is missing from path: ${String(raw['from'])}`);
        doc = addAt(doc, path, structuredClone(v), 'copy', pathRaw);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw['value'])) throw jsonPatchError(`testing value ${pathRaw} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
}

/** Removes directive keys from a value taken verbatim from a patch. */
function clean(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObj(x) && x['$patch'] === 'delete')).map(clean);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = clean(x);
  return out;
}

function itemDefinition(s: Schema | undefined): Definition | undefined {
  return s ? objectDefinition(s) : undefined;
}

/** Strategic merge of `patch` into `original`, where `def` describes the object (undefined: free-form). */
export function strategicMerge(original: Json, patch: Json, def: Definition | undefined): Json {
  if (!isObj(patch)) return clean(patch);
  const directive = patch['$patch'];
  if (directive === 'replace') return clean(patch);
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);
  const out: Obj = isObj(original) ? { ...original } : {};
  const orders: [string, Json[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders.push([key.slice('$setElementOrder/'.length), value]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(value)) out[field] = cur.filter((x) => !value.includes(x));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const schema = def?.fields[key]?.schema;
    out[key] = mergeValue(out[key], value, schema);
    if (out[key] === undefined) delete out[key];
  }
  for (const [field, order] of orders) out[field] = applyOrder(out[field], order, def?.fields[field]?.schema);
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeValue(original: Json, value: Json, schema: Schema | undefined): Json {
  if (schema?.type === 'array') {
    if (!Array.isArray(value)) return clean(value);
    const strategy = schema.patchStrategy ?? '';
    if (strategy.includes('merge')) {
      if (schema.mergeKey) return mergeKeyedList(original, value, schema.mergeKey, itemDefinition(schema.items));
      return mergePrimitiveList(original, value);
    }
    return clean(value);
  }
  if (schema?.type === 'map') {
    if (!isObj(value)) return clean(value);
    const out: Obj = isObj(original) ? { ...original } : {};
    if (value['$patch'] === 'replace') return clean(value);
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) continue;
      if (v === null) delete out[k];
      else out[k] = mergeValue(out[k], v, schema.values);
    }
    return out;
  }
  if (schema?.type === 'ref') {
    const d = objectDefinition(schema);
    if (d && isObj(value)) return strategicMerge(original, value, d);
    return clean(value);
  }
  if (schema?.type === 'object' || schema === undefined) {
    if (isObj(value) && isObj(original)) return strategicMerge(original, value, undefined);
    return clean(value);
  }
  return clean(value);
}

function mergePrimitiveList(original: Json, value: Json[]): Json[] {
  const out = Array.isArray(original) ? [...original] : [];
  for (const v of value) if (!isObj(v) && !out.includes(v)) out.push(v);
  return out;
}

function mergeKeyedList(original: Json, patchItems: Json[], key: string, itemDef: Definition | undefined): Json[] {
  if (patchItems.some((p) => isObj(p) && p['$patch'] === 'replace')) return clean(patchItems.filter((p) => !(isObj(p) && p['$patch'] === 'replace'))) as Json[];
  const out: Json[] = Array.isArray(original) ? [...original] : [];
  for (const p of patchItems) {
    if (!isObj(p)) {
      out.push(p);
      continue;
    }
    if (p[key] === undefined) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isObj(o) && o[key] === p[key]);
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], p, itemDef);
    else out.push(strategicMerge(undefined, p, itemDef));
  }
  return out;
}

function applyOrder(list: Json, order: Json[], schema: Schema | undefined): Json {
  if (!Array.isArray(list)) return list;
  const key = schema?.type === 'array' ? schema.mergeKey : undefined;
  const idOf = (x: Json) => (key && isObj(x) ? JSON.stringify(x[key]) : JSON.stringify(x));
  const rank = new Map(order.map((o, i) => [idOf(o), i]));
  const ranked = list.map((x, i) => ({ x, i, r: rank.get(idOf(x)) }));
  ranked.sort((a, b) => {
    if (a.r !== undefined && b.r !== undefined) return a.r - b.r;
    if (a.r !== undefined) return -1;
    if (b.r !== undefined) return 1;
    return a.i - b.i;
  });
  return ranked.map((e) => e.x);
}

export function strategicMergeFor(definitionName: string, original: Json, patch: Json): Json {
  return strategicMerge(original, patch, definition(definitionName));
}
