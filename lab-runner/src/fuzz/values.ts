// Odd values, and values shaped by the API server's own schema model: every field of every
// served type (PodSpec, Container, Volume, ...) can be generated, with the right type or not.

import type { Definition, Schema } from '../embedded/apiserver/schema/model.js';
import { definitions } from '../embedded/apiserver/schema/index.js';
import type { Random } from './random.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ODD_STRINGS = [
  '',
  ' ',
  '-',
  '.',
  '..',
  '../../../../etc/passwd',
  '/proc/self/root',
  '/',
  '//',
  '$(reboot)',
  '`id`',
  '%s%n%x',
  '%00',
  '{{.}}',
  '\u0000',
  'a\u0000b',
  '\r\n\r\nHTTP/1.1 200 OK\r\n',
  'ünïcødé',
  '日本語のポッド',
  'поды',
  '\u202etxt.exe',
  '\ud800',
  '\udfff\ud800',
  '🚀🔥💥',
  '\u200b',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'true',
  '0x1F',
  '1e308',
  '-1',
  '1Gi',
  '100m',
  '1e1000',
  '999999999999999999999999999999Ei',
  '0.0000000000000000000001m',
  '1.5.5',
  '--1',
  '+1',
  'Always',
  'Never',
  'OnFailure',
  'IfNotPresent',
  'busybox',
  'busybox:latest',
  'docker.io/library/busybox@sha256:' + '0'.repeat(64),
  'registry.invalid/x/y:z',
  'UPPER_case',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(253),
  'a'.repeat(254),
  'x'.repeat(4096),
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '$deleteFromPrimitiveList/args',
  'kubernetes.io/hostname',
  'node.kubernetes.io/not-ready',
];

const ODD_NUMBERS = [0, -0, 1, -1, 2, 0.5, -0.5, 1.5e-320, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 1e21, 1e308, -1e308, 65535, 65536, 86400 * 365 * 1000];

const ODD_KEYS = ['', ' ', '__proto__', 'constructor', 'prototype', 'a/b', 'a.b', '$patch', 'UPPER', '日本', 'k'.repeat(300), 'x=y', 'x,y', '!', 'kubernetes.io/x', 'a\u0000b'];

export function oddString(r: Random): string {
  if (r.chance(0.15)) return r.word(undefined, 0, 40);
  if (r.chance(0.05)) return 'z'.repeat(r.int(1, 200_000));
  return r.pick(ODD_STRINGS);
}

export function oddNumber(r: Random): number {
  return r.chance(0.3) ? r.int(-1000, 100_000) : r.pick(ODD_NUMBERS);
}

export function oddKey(r: Random): string {
  return r.chance(0.5) ? r.pick(ODD_KEYS) : r.word('abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-._/', 1, 20);
}

/** Any JSON value at all, nested up to `depth`. */
export function anyValue(r: Random, depth = 3): Json {
  const kind = r.int(0, depth > 0 ? 6 : 4);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return oddNumber(r);
    case 3:
    case 4:
      return oddString(r);
    case 5:
      return Array.from({ length: r.int(0, 4) }, () => anyValue(r, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(0, 4) }, () => [oddKey(r), anyValue(r, depth - 1)]));
  }
}

/** A value nested `depth` levels deep (arrays or objects). */
export function deepValue(r: Random, depth: number): Json {
  let v: Json = r.chance(0.5) ? 1 : 'leaf';
  const asArray = r.chance(0.5);
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

const QUANTITIES = ['100m', '1', '0', '250Mi', '1Gi', '2', '0.5', '1e3', '1E', '1k', '128974848', '129e6', '123Mi'];

/**
 * A value for `schema`: mostly well-typed and plausible, sometimes odd but the right type,
 * sometimes of the wrong type altogether (`wrongType` is the chance of that at each level).
 */
export function valueFor(r: Random, schema: Schema, depth: number, wrongType: number): Json {
  if (r.chance(wrongType)) return anyValue(r, 2);
  switch (schema.type) {
    case 'string':
      if (schema.enum && r.chance(0.7)) return r.pick(schema.enum);
      return r.chance(0.6) ? r.word() : oddString(r);
    case 'integer':
    case 'number':
      return r.chance(0.6) ? r.int(0, 100) : oddNumber(r);
    case 'boolean':
      return r.chance(0.5);
    case 'object':
      return anyValue(r, 2);
    case 'array':
      if (depth <= 0) return [];
      return Array.from({ length: r.int(0, 3) }, () => valueFor(r, schema.items, depth - 1, wrongType));
    case 'map':
      return Object.fromEntries(
        Array.from({ length: r.int(0, 3) }, () => [r.chance(0.7) ? r.word() : oddKey(r), valueFor(r, schema.values, depth - 1, wrongType)]),
      );
    case 'ref': {
      const def = definitions[schema.name];
      if (!def) return anyValue(r, 1);
      if (def.scalar) {
        if ('intOrString' in def.scalar) return r.chance(0.5) ? oddNumber(r) : r.chance(0.5) ? r.word() : oddString(r);
        if (schema.name === 'Quantity') return r.chance(0.7) ? r.pick(QUANTITIES) : oddString(r);
        return r.chance(0.7) ? new Date(r.int(0, 2 ** 31) * 1000).toISOString() : oddString(r);
      }
      if (depth <= 0) return {};
      return objectFor(r, def, depth - 1, wrongType);
    }
  }
}

/** An object of `def` with a random subset of its fields (and now and then an unknown one). */
export function objectFor(r: Random, def: Definition, depth: number, wrongType: number, share = 0.25): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [name, field] of Object.entries(def.fields)) {
    if (r.chance(share) || def.required?.includes(name)) out[name] = valueFor(r, field.schema, depth, wrongType);
  }
  if (r.chance(0.1)) out[oddKey(r)] = anyValue(r, 1);
  return out;
}

/** Paths (list of keys) to every field reachable from `def` down to `depth` object levels. */
export function fieldPaths(def: Definition, depth: number, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  const out: { path: string[]; schema: Schema }[] = [];
  for (const [name, field] of Object.entries(def.fields)) {
    const path = [...prefix, name];
    out.push({ path, schema: field.schema });
    if (depth <= 0) continue;
    const inner = field.schema.type === 'array' ? field.schema.items : field.schema;
    if (inner.type !== 'ref') continue;
    const child = definitions[inner.name];
    if (!child || child.scalar) continue;
    // Lists are addressed by their first entry.
    out.push(...fieldPaths(child, depth - 1, field.schema.type === 'array' ? [...path, '0'] : path));
  }
  return out;
}
