// Decoding checks against the schema, as the real server's JSON decoder does them:
// unknown fields (reported under fieldValidation=Strict/Warn, always dropped) and values of
// the wrong JSON type (always a 400).

import { badRequest } from '../status-error.js';
import { definition } from './schema/index.js';
import type { Definition, Schema } from './schema/model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FieldCheckResult {
  /** Paths like `spec.containers[0].imagez`, in document order. */
  unknown: string[];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function goType(s: Schema): string {
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
      return s.format;
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${goType(s.items)}`;
    case 'map':
      return `map[string]${goType(s.values)}`;
    case 'ref':
      return s.name.includes('.') ? `v1.${s.name.slice(s.name.indexOf('.') + 1)}` : s.name;
    case 'object':
      return 'map[string]interface {}';
  }
}

interface Ctx {
  unknown: string[];
  kind: string;
  /** Drop unknown fields from the object (they can never be stored). */
  prune: boolean;
}

function typeError(ctx: Ctx, value: unknown, structName: string, path: string, s: Schema): never {
  throw badRequest(
    `${ctx.kind} in version "v1" cannot be handled as a ${ctx.kind}: json: cannot unmarshal ${jsonType(value) === 'object' ? 'object' : jsonType(value)} into Go struct field ${structName}.${path.replace(/\[\d+\]/g, '')} of type ${goType(s)}`,
  );
}

function checkValue(ctx: Ctx, value: unknown, s: Schema, path: string, structName: string): void {
  if (value === null) return; // null means "unset" for every field
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') typeError(ctx, value, structName, path, s);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) typeError(ctx, value, structName, path, s);
      return;
    case 'number':
      if (typeof value !== 'number') typeError(ctx, value, structName, path, s);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(ctx, value, structName, path, s);
      return;
    case 'object':
      if (!isObj(value)) typeError(ctx, value, structName, path, s);
      return;
    case 'array':
      if (!Array.isArray(value)) typeError(ctx, value, structName, path, s);
      value.forEach((item, i) => checkValue(ctx, item, s.items, `${path}[${i}]`, structName));
      return;
    case 'map':
      if (!isObj(value)) typeError(ctx, value, structName, path, s);
      for (const [k, v] of Object.entries(value)) checkValue(ctx, v, s.values, `${path}.${k}`, structName);
      return;
    case 'ref': {
      const d = definition(s.name);
      if (d.scalar) {
        if ('intOrString' in d.scalar) {
          if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) typeError(ctx, value, structName, path, s);
        } else if (s.name === 'Quantity') {
          if (typeof value !== 'string' && typeof value !== 'number') typeError(ctx, value, structName, path, s);
        } else if (typeof value !== 'string') typeError(ctx, value, structName, path, s);
        return;
      }
      if (!isObj(value)) typeError(ctx, value, structName, path, s);
      checkObject(ctx, value, d, path, s.name.slice(s.name.indexOf('.') + 1));
      return;
    }
  }
}

function checkObject(ctx: Ctx, obj: Obj, def: Definition, path: string, structName: string): void {
  for (const key of Object.keys(obj)) {
    const field = def.fields[key];
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) {
      ctx.unknown.push(fieldPath);
      if (ctx.prune) delete obj[key];
      continue;
    }
    checkValue(ctx, obj[key], field.schema, fieldPath, structName);
  }
}

/**
 * Checks `obj` (a full object of `definitionName`) in place. Unknown fields are removed and
 * returned; a wrong JSON type is thrown as the real decoder's 400.
 */
export function checkFields(obj: Obj, definitionName: string, kind: string): FieldCheckResult {
  const ctx: Ctx = { unknown: [], kind, prune: true };
  const def = definition(definitionName);
  for (const key of Object.keys(obj)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    const field = def.fields[key];
    if (!field) {
      ctx.unknown.push(key);
      delete obj[key];
      continue;
    }
    checkValue(ctx, obj[key], field.schema, key, kind);
  }
  return { unknown: ctx.unknown };
}

export function strictDecodingMessage(kind: string, unknown: string[]): string {
  return `${kind} in version "v1" cannot be handled as a ${kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`;
}

