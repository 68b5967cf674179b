// Pod manifests, from valid to broken, and their encodings on the wire (JSON, YAML,
// protobuf): wrong types, huge numbers, unicode, deep nesting, unknown fields, duplicate keys,
// and any field of PodSpec (and what it contains) set to an odd value.

import { stringify as toYaml } from 'yaml';
import { definitions } from '../embedded/apiserver/schema/index.js';
import type { Random } from './random.js';
import { anyValue, deepValue, fieldPaths, objectFor, oddKey, oddNumber, oddString, valueFor, type Json } from './values.js';

/** Where the fuzzer's Pods go unless they are meant to run: a node that does not exist, so no kubelet starts them. */
const PARKED_NODE = 'fuzz-parked';

export const POD_NAMES = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];

export interface Body {
  contentType: string;
  bytes: Buffer;
}

const POD_FIELDS = fieldPaths(definitions['core.Pod']!, 4);

type JsonObject = { [key: string]: Json };

/** A Pod that would be accepted, parked on a node that does not exist (or, now and then, one that runs). */
export function plainPod(r: Random, name = r.pick(POD_NAMES)): JsonObject {
  const containers: Json[] = [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }];
  if (r.chance(0.2)) containers.push({ name: 'side', image: 'busybox', args: ['sh', '-c', 'echo hi; sleep 3600'] });
  const spec: JsonObject = { containers, terminationGracePeriodSeconds: 0 };
  // Only a few Pods run for real: each costs containers on the shared engine.
  if (!r.chance(0.04)) spec['nodeName'] = PARKED_NODE;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { fuzz: 'yes', n: r.word() } }, spec };
}

function setPath(target: JsonObject, path: string[], value: Json): void {
  let at: Json = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    if (Array.isArray(at)) {
      const index = Number(key);
      if (at[index] === undefined || at[index] === null || typeof at[index] !== 'object') at[index] = nextIsIndex ? [] : {};
      at = at[index]!;
    } else if (at !== null && typeof at === 'object') {
      const o: JsonObject = at;
      if (o[key] === undefined || o[key] === null || typeof o[key] !== 'object') o[key] = nextIsIndex ? [] : {};
      at = o[key]!;
    } else return;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(at)) at[Number(last)] = value;
  else if (at !== null && typeof at === 'object') (at as JsonObject)[last] = value;
}

/** The object at `pod[key]`, made one if an earlier change put something else there. */
function objectAt(pod: JsonObject, key: string): JsonObject {
  const value = pod[key];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  const fresh: JsonObject = {};
  pod[key] = fresh;
  return fresh;
}

/** One change that makes a Pod odd or broken. */
function mutate(r: Random, pod: JsonObject): void {
  const choice = r.int(0, 11);
  switch (choice) {
    case 0:
    case 1:
    case 2: {
      // Any field of the Pod, its spec, containers, volumes, ...: a typed value or an odd one.
      const { path, schema } = r.pick(POD_FIELDS);
      setPath(pod, path, valueFor(r, schema, 2, 0.3));
      return;
    }
    case 3: {
      const { path } = r.pick(POD_FIELDS);
      setPath(pod, path, r.chance(0.5) ? anyValue(r, 2) : r.chance(0.5) ? oddNumber(r) : oddString(r));
      return;
    }
    case 4: {
      // An unknown field somewhere.
      const { path } = r.pick(POD_FIELDS);
      setPath(pod, [...path.slice(0, -1), oddKey(r)], anyValue(r, 1));
      return;
    }
    case 5:
      pod['spec'] = objectFor(r, definitions['core.PodSpec']!, 3, 0.05, 0.3);
      if (r.chance(0.8)) objectAt(pod, 'spec')['nodeName'] = PARKED_NODE;
      return;
    case 6: {
      const { path } = r.pick(POD_FIELDS);
      setPath(pod, path, deepValue(r, r.pick([10, 100, 500])));
      return;
    }
    case 7:
      objectAt(pod, 'metadata')['name'] = r.chance(0.5) ? oddString(r) : anyValue(r, 1);
      return;
    case 8:
      pod[r.pick(['kind', 'apiVersion', 'metadata', 'spec', 'status'])] = anyValue(r, 2);
      return;
    case 9: {
      const meta = objectAt(pod, 'metadata');
      const field = r.pick(['labels', 'annotations', 'finalizers', 'ownerReferences', 'generateName', 'namespace', 'uid', 'resourceVersion', 'deletionTimestamp', 'creationTimestamp', 'managedFields']);
      meta[field] = valueFor(r, definitions['meta.ObjectMeta']!.fields[field]!.schema, 2, 0.2);
      return;
    }
    case 10:
      // Many containers, or many labels: sizes at and past limits.
      if (r.chance(0.5)) objectAt(pod, 'spec')['containers'] = Array.from({ length: r.int(20, 300) }, (_, i) => ({ name: `c${i}`, image: 'busybox' }));
      else objectAt(pod, 'metadata')['labels'] = Object.fromEntries(Array.from({ length: r.int(50, 3000) }, (_, i) => [`k${i}`, `v${i}`]));
      return;
    default:
      pod['status'] = valueFor(r, { type: 'ref', name: 'core.PodStatus' }, 3, 0.2);
  }
}

/** A Pod object: plain, or with a few odd changes. */
export function podManifest(r: Random): JsonObject {
  const pod = plainPod(r);
  const changes = r.weighted([
    [3, 0],
    [5, 1],
    [3, 2],
    [2, 4],
  ]);
  for (let i = 0; i < changes; i++) mutate(r, pod);
  return pod;
}

/** Inserts `"key": value` as the first member of the first object after `anchor` in JSON text (a duplicate key when it exists). */
function injectMember(text: string, anchor: string, member: string): string {
  const at = text.indexOf(anchor);
  if (at < 0) return `{${member},${text.slice(1)}`;
  const brace = text.indexOf('{', at);
  if (brace < 0) return text;
  const empty = text[brace + 1] === '}';
  return `${text.slice(0, brace + 1)}${member}${empty ? '' : ','}${text.slice(brace + 1)}`;
}

function jsonText(r: Random, value: Json): string {
  let text = JSON.stringify(value) ?? 'null';
  const trick = r.int(0, 9);
  if (trick === 0) text = injectMember(text, '', `"metadata":{"name":"dup-${r.word()}"}`);
  else if (trick === 1) text = injectMember(text, '"spec"', `"nodeName":"elsewhere","nodeName":${JSON.stringify(oddString(r))}`);
  else if (trick === 2) text = injectMember(text, '"spec"', `"activeDeadlineSeconds":${r.pick(['1e400', '-1e400', '18446744073709551616', '1.0', '-0', '1E2'])}`);
  else if (trick === 3) text = injectMember(text, '"metadata"', `"name":"a","name":"b"`);
  else if (trick === 4) text = injectMember(text, '"containers"', `"name":"c","name":"c2","image":"busybox","image":"x"`);
  else if (trick === 5 && text.length > 2) text = text.slice(0, r.int(1, text.length - 1));
  else if (trick === 6) text = `\ufeff${text}`;
  else if (trick === 7) text = `${text}${r.pick(['{}', 'garbage', ',', '\u0000', ' ', '\n{"kind":"Pod"}'])}`;
  else if (trick === 8) {
    // Nesting far deeper than any object tree the fuzzer could build and serialise itself.
    const n = r.pick([1000, 10_000, 100_000]);
    const [open, close] = r.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
    text = injectMember(text, r.pick(['"spec"', '"metadata"', '']), `"${r.pick(['affinity', 'labels', 'x', 'containers'])}":${open.repeat(n)}1${close.repeat(n)}`);
  }
  return text;
}

/** Whether `value` nests deeper than `limit` (checked without recursion). */
function deeperThan(value: Json, limit: number): boolean {
  const stack: [Json, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > limit) return true;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function yamlText(r: Random, value: Json): string {
  // The YAML printer recurses per level and takes seconds on a 500-deep value, stalling the
  // fuzzer itself (its other inputs then look unanswered); JSON text is YAML too.
  let text = deeperThan(value, 40) ? `${JSON.stringify(value)}\n` : toYaml(value, { lineWidth: 0 });
  const trick = r.int(0, 9);
  if (trick === 0) text = `kind: Pod\n${text}`;
  else if (trick === 1) text = `${text}metadata:\n  name: dup\n`;
  else if (trick === 2) text = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n${text}`;
  else if (trick === 3) text = `${text}---\n${text}`;
  else if (trick === 4) text = `!!binary ${Buffer.from(text).toString('base64')}\n`;
  else if (trick === 5) text = text.replace(/: /, ': !!js/function "function(){}" ');
  else if (trick === 6 && text.length > 2) text = text.slice(0, r.int(1, text.length - 1));
  else if (trick === 7) text = text.replace(/\n/g, '\n\t');
  else if (trick === 8) text = `%YAML 9.9\n---\n${text}`;
  return text;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return Buffer.from(out);
}

function field(no: number, wire: number, payload: Buffer): Buffer {
  const tag = varint(no * 8 + wire);
  return wire === 2 ? Buffer.concat([tag, varint(payload.length), payload]) : Buffer.concat([tag, payload]);
}

/** A random protobuf message: known-looking fields, odd wire types, lengths that lie. */
function protoMessage(r: Random, depth: number): Buffer {
  const parts: Buffer[] = [];
  const n = r.int(0, 6);
  for (let i = 0; i < n; i++) {
    const no = r.chance(0.8) ? r.int(1, 6) : r.int(0, 2 ** 20);
    const wire = r.weighted([
      [6, 2],
      [2, 0],
      [1, 1],
      [1, 5],
      [1, r.int(3, 7)],
    ]);
    if (wire === 2) parts.push(field(no, 2, depth > 0 && r.chance(0.5) ? protoMessage(r, depth - 1) : Buffer.from(r.chance(0.7) ? r.word() : oddString(r))));
    else if (wire === 0) parts.push(field(no, 0, varint(r.chance(0.5) ? r.int(0, 1000) : 2 ** 53)));
    else if (wire === 1) parts.push(field(no, 1, r.bytes(8)));
    else if (wire === 5) parts.push(field(no, 5, r.bytes(4)));
    else parts.push(field(no, wire, r.bytes(r.int(0, 3))));
  }
  let out = Buffer.concat(parts);
  if (r.chance(0.15) && out.length > 1) out = out.subarray(0, r.int(1, out.length - 1));
  if (r.chance(0.05)) out = Buffer.concat([out, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]);
  return out;
}

/** The `k8s\0` envelope around a random object of a kind the server may or may not decode. */
export function protobufBody(r: Random): Buffer {
  const kind = r.pick(['Namespace', 'ConfigMap', 'Secret', 'Pod', 'SelfSubjectAccessReview', 'SelfSubjectReview', '', 'Nope']);
  const apiVersion = r.pick(['v1', 'authorization.k8s.io/v1', 'authentication.k8s.io/v1', '', 'v9']);
  const typeMeta = Buffer.concat([field(1, 2, Buffer.from(apiVersion)), field(2, 2, Buffer.from(kind))]);
  const raw = protoMessage(r, 3);
  const unknown = Buffer.concat([field(1, 2, typeMeta), field(2, 2, raw), ...(r.chance(0.2) ? [field(3, 2, Buffer.from('gzip'))] : [])]);
  const magic = r.chance(0.9) ? Buffer.from([0x6b, 0x38, 0x73, 0x00]) : r.bytes(r.int(0, 4));
  return Buffer.concat([magic, unknown]);
}

/** A manifest's bytes with the content type they are sent with (sometimes a wrong one). */
export function encodeObject(r: Random, value: Json): Body {
  const how = r.weighted([
    [10, 'json'],
    [4, 'yaml'],
    [1, 'protobuf'],
    [1, 'mismatch'],
  ] as const);
  if (how === 'json') return { contentType: r.pick(['application/json', 'application/json; charset=utf-8', 'application/json;charset=latin1']), bytes: Buffer.from(jsonText(r, value)) };
  if (how === 'yaml') return { contentType: 'application/yaml', bytes: Buffer.from(yamlText(r, value)) };
  if (how === 'protobuf') return { contentType: 'application/vnd.kubernetes.protobuf', bytes: protobufBody(r) };
  return {
    contentType: r.pick(['text/plain', 'application/xml', '', 'application/json-patch+json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.kubernetes.protobuf;stream=watch', '*/*', 'application/yaml; charset=utf-16']),
    bytes: Buffer.from(r.chance(0.5) ? JSON.stringify(value) : yamlText(r, value)),
  };
}

/** Any object for the other resources (ConfigMaps, Secrets, Namespaces, Events, ...). */
export function objectOf(r: Random, kind: string, definition: string, name: string): JsonObject {
  const def = definitions[definition];
  const base: JsonObject = def ? objectFor(r, def, 2, 0.1, 0.3) : {};
  return { ...base, apiVersion: 'v1', kind, metadata: { name, ...(r.chance(0.3) ? { labels: { fuzz: 'yes' } } : {}) } };
}
