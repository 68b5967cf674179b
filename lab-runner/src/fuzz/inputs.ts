// One fuzz input, generated from (seed, index) alone: an API request (create, patch, query,
// other verbs), raw HTTP bytes, a streaming session (WebSocket or SPDY) on exec, attach or
// port-forward, or a session on the runner's shell gateway. Names that only exist at run time
// (the sandbox id, the API server's port) are filled in by the executor.

import type { Random } from './random.js';
import { encodeObject, objectOf, plainPod, podManifest, POD_NAMES, protobufBody, type Body } from './manifests.js';
import { anyValue, oddKey, oddNumber, oddString, type Json } from './values.js';

/** The namespace the fuzzer works in; the Pod it streams into lives in TARGET_NAMESPACE, which inputs never name. */
export const FUZZ_NAMESPACE = 'fuzz';
export const TARGET_NAMESPACE = 'fuzz-keep';
export const TARGET_POD = 'fuzz-target';

export interface HttpInput {
  kind: 'http';
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Bytes written as they are on a TLS connection to the API server. */
export interface RawInput {
  kind: 'raw';
  label: string;
  chunks: Buffer[];
  /** Half-close after writing (a truncated body), or leave the connection to the server. */
  end: boolean;
}

export type WsFrame =
  | { type: 'binary'; data: Buffer }
  | { type: 'text'; data: string }
  | { type: 'ping' }
  /** Bytes written straight to the socket under the WebSocket: frames ws would never send. */
  | { type: 'raw'; data: Buffer }
  | { type: 'close'; code: number; reason: string };

export interface WsStreamInput {
  kind: 'stream-ws';
  label: string;
  path: string;
  protocols: string[];
  frames: WsFrame[];
}

export type SpdyFrameSpec =
  | { type: 'syn'; streamId: number; headers: [string, string][]; flags: number }
  | { type: 'bytes'; data: Buffer };

export interface SpdyStreamInput {
  kind: 'stream-spdy';
  label: string;
  path: string;
  protocols: string[];
  frames: SpdyFrameSpec[];
}

export interface ShellInput {
  kind: 'shell';
  label: string;
  /** 'valid' gets a fresh ticket from the runner API; 'reused' uses one twice; the rest are refusals. */
  ticket: 'valid' | 'reused' | 'garbage' | 'none' | 'other-sandbox';
  /** The path after /v1/sandboxes/; `{id}` is the sandbox id. */
  path: string;
  query: string;
  origin: string | undefined;
  frames: WsFrame[];
}

export type FuzzInput = HttpInput | RawInput | WsStreamInput | SpdyStreamInput | ShellInput;

const RESOURCES = ['pods', 'configmaps', 'secrets', 'events', 'serviceaccounts', 'namespaces', 'nodes', 'services', 'leases'];
const KINDS: Record<string, [string, string]> = {
  configmaps: ['ConfigMap', 'core.ConfigMap'],
  secrets: ['Secret', 'core.Secret'],
  events: ['Event', 'core.Event'],
  serviceaccounts: ['ServiceAccount', 'core.ServiceAccount'],
  namespaces: ['Namespace', 'core.Namespace'],
  nodes: ['Node', 'core.Node'],
  services: ['Service', 'core.Service'],
};

/** Percent-encodes any string, lone surrogates included (as U+FFFD: they cannot be sent as UTF-8). */
function encode(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

const GARBAGE_ENCODINGS = ['%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%ff%fe', '%00', '%2F', '%2e%2e', '%25', '+', '%u0041', '%%', '%F0%9F%98', '%EF%BF%BF', '%0d%0a'];

/** A path segment: mostly one of the fuzzer's names, sometimes odd, percent-garbled, or too long. */
function segment(r: Random, usual: readonly string[]): string {
  const roll = r.int(0, 19);
  if (roll < 14) return r.pick(usual);
  if (roll < 16) return r.pick(GARBAGE_ENCODINGS) + r.word();
  if (roll < 17) return encode(oddString(r).slice(0, 300));
  if (roll < 18) return r.pick(['..', '.', '', 'watch', 'status', 'log', 'exec', 'finalize', 'namespaces']);
  if (roll < 19) return 'n'.repeat(r.int(64, 5000));
  return encode(r.word('abc', 1, 3) + r.pick(['/', '?', '#', '\\', ';']));
}

function namespaceSegment(r: Random): string {
  return segment(r, [FUZZ_NAMESPACE, FUZZ_NAMESPACE, FUZZ_NAMESPACE, 'default', 'kube-system', 'fuzz-b', 'nope']);
}

function resourcePath(r: Random, resource: string, name: string | undefined, sub?: string): string {
  const ns = ['nodes', 'namespaces'].includes(resource) ? undefined : r.chance(0.9) ? namespaceSegment(r) : undefined;
  let path = `/api/v1${r.chance(0.05) ? '/watch' : ''}${ns === undefined ? '' : `/namespaces/${ns}`}/${resource}`;
  if (resource === 'leases') path = `/apis/coordination.k8s.io/v1${ns === undefined ? '' : `/namespaces/${ns}`}/leases`;
  if (name !== undefined) path += `/${name}`;
  if (sub) path += `/${sub}`;
  if (r.chance(0.05)) path += r.pick(['/', '//', '/extra', '?', '#frag']);
  return path;
}

// ---- Query strings ----

const LABEL_SELECTORS = ['fuzz=yes', 'fuzz!=yes', 'fuzz', '!fuzz', 'n in (a,b)', 'n notin (a)', 'a,b,c', 'fuzz=yes,n', 'x==y', 'a in (', 'a in ()', 'a notin', '====', ',,,', '!', 'a=b=c', 'in in (in)', 'a>1', 'a<1', 'k'.repeat(400), '日本=語', 'a=' + 'v'.repeat(100), ' fuzz = yes ', 'a in (b,,c)', '(', ')', 'a!'];
const FIELD_SELECTORS = ['metadata.name=p0', 'metadata.name!=p0', 'metadata.name==p0', 'metadata.namespace=fuzz', 'status.phase=Running', 'status.phase!=Pending', 'spec.nodeName=fuzz-parked', 'spec.nodeName=', 'spec.restartPolicy=Always', 'involvedObject.name=p0,involvedObject.namespace=fuzz', 'type=Normal', 'bad.field=x', 'metadata.name', '=', '==', 'a=b=c', 'metadata.name=a,metadata.name=b', 'metadata.name in (a)', 'status.podIPs=1.2.3.4', 'spec.hostNetwork=false', 'metadata.name=\\,', ','];
const RESOURCE_VERSIONS = ['0', '', '1', '2', '-1', 'abc', '1e3', '99999999999', '9007199254740993', '00001', ' 1', '0x10', '1.5'];

function paramValue(r: Random, key: string): string {
  switch (key) {
    case 'labelSelector':
      return r.chance(0.8) ? r.pick(LABEL_SELECTORS) : oddString(r);
    case 'fieldSelector':
      return r.chance(0.8) ? r.pick(FIELD_SELECTORS) : oddString(r);
    case 'watch':
    case 'allowWatchBookmarks':
    case 'sendInitialEvents':
    case 'follow':
    case 'previous':
    case 'timestamps':
    case 'force':
    case 'pretty':
    case 'orphanDependents':
    case 'stdin':
    case 'stdout':
    case 'stderr':
    case 'tty':
      return r.pick(['true', 'false', '1', '0', '', 'TRUE', 'yes', 'garbage']);
    case 'resourceVersion':
      return r.pick(RESOURCE_VERSIONS);
    case 'resourceVersionMatch':
      return r.pick(['NotOlderThan', 'Exact', '', 'nope']);
    case 'limit':
    case 'tailLines':
    case 'limitBytes':
    case 'sinceSeconds':
    case 'gracePeriodSeconds':
      return r.pick(['-1', '0', '1', '2', '500', '1e9', 'abc', '9007199254740993', '1.5', '', ' 3', '0x10']);
    case 'timeoutSeconds':
      return r.pick(['1', '0', '-5', '1e10', 'abc', '2147484', '4294968', '1.5', '']);
    case 'continue':
      return r.pick([
        Buffer.from(JSON.stringify({ after: 'fuzz/p1' })).toString('base64url'),
        Buffer.from(JSON.stringify({ after: { x: 1 } })).toString('base64url'),
        Buffer.from('null').toString('base64url'),
        Buffer.from('[1,2]').toString('base64url'),
        Buffer.from('not json').toString('base64url'),
        '!!!',
        'eyJ',
        '',
      ]);
    case 'dryRun':
      return r.pick(['All', 'all', '', 'None', 'All,All']);
    case 'fieldManager':
      return r.pick(['fuzzer', '', 'kubectl', 'm'.repeat(129), '日本', 'a/b', 'before-first-apply']);
    case 'fieldValidation':
      return r.pick(['Strict', 'Warn', 'Ignore', 'strict', '', 'Nope']);
    case 'includeObject':
      return r.pick(['Object', 'Metadata', 'None', 'object', '']);
    case 'propagationPolicy':
      return r.pick(['Background', 'Foreground', 'Orphan', 'Nope']);
    case 'sinceTime':
      return r.pick(['2026-01-01T00:00:00Z', 'yesterday', '', '9999-99-99T99:99:99Z']);
    case 'container':
      return r.pick(['c', 'side', 'nope', '', 'C', '../c']);
    case 'command':
      return r.pick(['true', 'echo', 'sh', '', '/bin/nope']);
    case 'ports':
      return r.pick(['80', '0', '65536', '-1', 'http', '80,81', ',', '8080', '1e3', '']);
    default:
      return r.chance(0.5) ? r.word() : oddString(r).slice(0, 200);
  }
}

const QUERY_KEYS = [
  'labelSelector',
  'fieldSelector',
  'watch',
  'resourceVersion',
  'resourceVersionMatch',
  'limit',
  'continue',
  'timeoutSeconds',
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'includeObject',
  'allowWatchBookmarks',
  'sendInitialEvents',
  'pretty',
  'gracePeriodSeconds',
  'propagationPolicy',
  'force',
];

/** A query string: well-formed parameters with odd values, and garbage percent-encoding. */
function queryString(r: Random, keys: readonly string[], n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.9) ? r.pick(keys) : oddKey(r);
    const value = paramValue(r, key);
    if (r.chance(0.08)) parts.push(`${encode(key)}=${r.pick(GARBAGE_ENCODINGS)}${encode(value)}`);
    else parts.push(`${encode(key)}=${encode(value)}`);
  }
  if (r.chance(0.05)) parts.push(r.pick(['&', '=', '==', 'a', '%', '%zz=%zz', 'a=%', '&&&', '=x', 'a=b=c', ';', '+=+']));
  // A watch that would otherwise stay open for half an hour: the executor cuts it off, but keep most short.
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

// ---- Generators per kind ----

function createInput(r: Random): HttpInput {
  const resource = r.chance(0.75) ? 'pods' : r.pick(Object.keys(KINDS));
  let value: Json;
  if (resource === 'pods') value = podManifest(r);
  else {
    const [kind, definition] = KINDS[resource]!;
    value = objectOf(r, kind, definition, r.chance(0.8) ? `f-${r.word()}` : oddString(r).slice(0, 300));
    if (r.chance(0.3)) (value as Record<string, Json>)[r.pick(['data', 'stringData', 'metadata', 'type', 'spec'])] = anyValue(r, 2);
  }
  const body = encodeObject(r, value);
  return {
    kind: 'http',
    label: `create ${resource} (${body.contentType || 'no content type'})`,
    method: 'POST',
    path: resourcePath(r, resource, undefined) + queryString(r, ['fieldManager', 'fieldValidation', 'dryRun', 'pretty'], r.int(0, 3)),
    headers: { 'content-type': body.contentType, ...acceptHeader(r) },
    body: body.bytes,
  };
}

const JSON_PATCH_PATHS = ['/metadata/labels/x', '/metadata/labels', '/spec/containers/0/image', '/spec/containers/-', '/spec/containers/99', '/spec/nodeName', '/metadata/name', '/metadata/resourceVersion', '/status/phase', '/spec/activeDeadlineSeconds', '/metadata/annotations/a~1b', '/metadata/annotations/~2', '', '/', 'no-slash', '/spec/containers/0/command/-', '/metadata/finalizers/0', '/spec/tolerations', '/metadata/labels/__proto__', '/__proto__/polluted', '/constructor/prototype/x'];

function jsonPatchOps(r: Random): Json {
  if (r.chance(0.1)) return anyValue(r, 2);
  return Array.from({ length: r.int(0, 5) }, () => {
    const op = r.chance(0.9) ? r.pick(['add', 'remove', 'replace', 'move', 'copy', 'test']) : oddString(r);
    const out: Record<string, Json> = { op, path: r.chance(0.9) ? r.pick(JSON_PATCH_PATHS) : oddString(r) };
    if (r.chance(0.8)) out['value'] = r.chance(0.5) ? r.word() : anyValue(r, 2);
    if (op === 'move' || op === 'copy' || r.chance(0.1)) out['from'] = r.pick(JSON_PATCH_PATHS);
    if (r.chance(0.05)) out[oddKey(r)] = anyValue(r, 1);
    return out;
  });
}

const SMP_DIRECTIVES: Json[] = [
  { $patch: 'replace' },
  { $patch: 'delete' },
  { $patch: 'merge' },
  { $patch: 'nope' },
  { '$setElementOrder/containers': [{ name: 'c' }, { name: 'new' }] },
  { '$setElementOrder/containers': 'wrong' },
  { $retainKeys: ['containers'] },
  { $retainKeys: 'x' },
  { '$deleteFromPrimitiveList/finalizers': ['a'] },
  { '$deleteFromPrimitiveList/finalizers': 7 },
  { containers: [{ name: 'c', $patch: 'delete' }] },
  { containers: [{ $patch: 'replace' }] },
  { containers: [{ name: 'c', image: 'x' }, { name: 'c', image: 'y' }] },
  { containers: [{ image: 'no-name' }] },
  { containers: { $patch: 'replace' } },
  { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['name'] }] },
];

function patchBody(r: Random, type: string): Json {
  if (type === 'application/json-patch+json') return jsonPatchOps(r);
  if (r.chance(0.15)) return anyValue(r, 2);
  const pod = podManifest(r);
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(pod)) if (r.chance(0.5)) patch[key] = pod[key]!;
  if (type === 'application/strategic-merge-patch+json' && r.chance(0.6)) {
    const spec = (patch['spec'] ??= {}) as Record<string, Json>;
    if (spec && typeof spec === 'object' && !Array.isArray(spec)) Object.assign(spec, r.pick(SMP_DIRECTIVES));
    else patch['spec'] = r.pick(SMP_DIRECTIVES);
    if (r.chance(0.3)) Object.assign(patch, r.pick(SMP_DIRECTIVES));
  }
  if (r.chance(0.2)) patch[r.pick(['metadata', 'spec', 'status'])] = null;
  if (type === 'application/apply-patch+yaml') {
    if (r.chance(0.7)) Object.assign(patch, { apiVersion: 'v1', kind: 'Pod' });
    if (r.chance(0.5)) patch['metadata'] = { name: r.pick(POD_NAMES), ...(r.chance(0.5) ? { labels: { applied: r.word() } } : {}) };
  }
  return patch;
}

function patchInput(r: Random): HttpInput {
  const type = r.pick(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
  const resource = r.chance(0.8) ? 'pods' : r.pick(['configmaps', 'namespaces', 'nodes', 'services', 'secrets', 'events']);
  const name = resource === 'namespaces' ? r.pick([FUZZ_NAMESPACE, 'fuzz-b', 'default']) : resource === 'nodes' ? r.pick(['kubelab-node', 'nope']) : segment(r, POD_NAMES);
  const sub = resource === 'pods' && r.chance(0.2) ? r.pick(['status', 'log', 'exec', 'ephemeralcontainers', 'binding']) : undefined;
  let body: Body;
  const value = patchBody(r, type);
  if (type === 'application/apply-patch+yaml' && r.chance(0.5)) body = encodeObject(r, value);
  else body = { contentType: type, bytes: Buffer.from(r.chance(0.05) ? JSON.stringify(value).slice(0, -1) : JSON.stringify(value) ?? 'null') };
  const contentType = r.chance(0.9) ? `${type}${r.chance(0.1) ? '; charset=utf-8' : ''}` : body.contentType;
  return {
    kind: 'http',
    label: `patch ${resource}${sub ? `/${sub}` : ''} (${type.split('/')[1]})`,
    method: 'PATCH',
    path:
      resourcePath(r, resource, name, sub) +
      queryString(r, ['fieldManager', 'fieldValidation', 'dryRun', 'force'], type === 'application/apply-patch+yaml' && r.chance(0.8) ? 1 : r.int(0, 3)) +
      (type === 'application/apply-patch+yaml' && r.chance(0.7) ? `${r.chance(0.5) ? '&' : '?'}fieldManager=fuzzer` : ''),
    headers: { 'content-type': contentType, ...acceptHeader(r) },
    body: body.bytes,
  };
}

const ACCEPTS = [
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/vnd.kubernetes.protobuf,application/json',
  'application/vnd.kubernetes.protobuf',
  'application/vnd.kubernetes.protobuf;stream=watch',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  'application/yaml',
  'text/html',
  '*/*',
  '',
  'application/json;as=Table;g=meta.k8s.io;v=v9',
  ';;;,,,',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
];

function acceptHeader(r: Random): Record<string, string> {
  return r.chance(0.6) ? {} : { accept: r.pick(ACCEPTS) };
}

function queryInput(r: Random): HttpInput {
  const resource = r.pick(RESOURCES);
  const single = r.chance(0.3);
  const name = single ? segment(r, resource === 'namespaces' ? [FUZZ_NAMESPACE, 'default'] : resource === 'nodes' ? ['kubelab-node'] : POD_NAMES) : undefined;
  const keys = single ? ['resourceVersion', 'pretty', 'includeObject'] : QUERY_KEYS;
  let path = resourcePath(r, resource, name) + queryString(r, keys, r.int(0, 5));
  if (resource === 'pods' && single && r.chance(0.3)) {
    path = `/api/v1/namespaces/${namespaceSegment(r)}/pods/${name}/log${queryString(r, ['container', 'follow', 'tailLines', 'limitBytes', 'sinceSeconds', 'sinceTime', 'previous', 'timestamps'], r.int(0, 4))}`;
  }
  return { kind: 'http', label: `get ${resource}${single ? ' (one)' : ''}`, method: 'GET', path, headers: acceptHeader(r) };
}

const OTHER_PATHS = ['/', '/api', '/api/v1', '/apis', '/version', '/healthz', '/livez', '/readyz', '/openapi/v2', '/openapi/v3', '/openapi/v3/api/v1', '/openapi/v3/nope', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/apps/v1', '/metrics', '/logs', '/api/v2', '/apis/coordination.k8s.io/v1/leases', '/api/v1/componentstatuses', '/api/v1/namespaces/fuzz/pods/p0/proxy', '/api/v1/namespaces/fuzz/pods/p0/eviction', '/api/v1/namespaces/fuzz/pods/p0/binding'];

function otherInput(r: Random): HttpInput {
  const method = r.pick(['PUT', 'DELETE', 'DELETE', 'POST', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'PURGE']);
  let path: string;
  let body: Buffer | undefined;
  let contentType = 'application/json';
  if (r.chance(0.3)) {
    path = r.pick(OTHER_PATHS) + queryString(r, QUERY_KEYS, r.int(0, 2));
    if (method !== 'GET' && method !== 'HEAD') {
      const b = encodeObject(r, r.chance(0.5) ? { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: anyValue(r, 3) } : anyValue(r, 3));
      body = b.bytes;
      contentType = b.contentType;
    }
  } else {
    const resource = r.pick(RESOURCES);
    const collection = method === 'DELETE' && r.chance(0.3);
    const name = collection ? undefined : segment(r, resource === 'namespaces' ? ['fuzz-b', FUZZ_NAMESPACE, 'nope'] : POD_NAMES);
    path = resourcePath(r, resource, name, resource === 'pods' && r.chance(0.15) ? r.pick(['status', 'ephemeralcontainers', 'resize']) : undefined);
    path += queryString(r, QUERY_KEYS, r.int(0, 3));
    if (method === 'PUT') {
      const value: Json = resource === 'pods' ? { ...podManifest(r), metadata: { name: name ?? 'p0', ...(r.chance(0.5) ? { resourceVersion: r.pick(RESOURCE_VERSIONS) } : {}) } } : anyValue(r, 3);
      const b = encodeObject(r, value);
      body = b.bytes;
      contentType = b.contentType;
    } else if (method === 'DELETE' && r.chance(0.5)) {
      const options: Json = r.chance(0.7)
        ? { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: r.chance(0.5) ? 0 : oddNumber(r), propagationPolicy: paramValue(r, 'propagationPolicy'), preconditions: r.chance(0.3) ? { uid: r.word(), resourceVersion: r.pick(RESOURCE_VERSIONS) } : anyValue(r, 1), dryRun: r.chance(0.3) ? ['All'] : anyValue(r, 1) }
        : anyValue(r, 2);
      const b = encodeObject(r, options);
      body = b.bytes;
      contentType = b.contentType;
    } else if (method === 'POST') {
      const b = encodeObject(r, resource === 'pods' ? plainPod(r) : anyValue(r, 2));
      body = b.bytes;
      contentType = b.contentType;
    }
  }
  return { kind: 'http', label: `${method} ${path.split('?')[0]!.slice(0, 60)}`, method, path, headers: { ...(body ? { 'content-type': contentType } : {}), ...acceptHeader(r) }, ...(body ? { body } : {}) };
}

// ---- Raw HTTP ----

function rawInput(r: Random): RawInput {
  const pod = JSON.stringify(plainPod(r));
  const post = (headers: string, body: string) => `POST /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n${headers}\r\n${body}`;
  const variant = r.int(0, 21);
  const label = `raw #${variant}`;
  const one = (text: string, end = true): RawInput => ({ kind: 'raw', label, chunks: [Buffer.from(text, 'latin1')], end });
  switch (variant) {
    case 0:
      // Truncated body: the length promises more than is sent.
      return one(post(`Content-Type: application/json\r\nContent-Length: ${pod.length + r.int(1, 1000)}\r\n`, pod.slice(0, r.int(0, pod.length))));
    case 1:
      return one(post(`Content-Type: application/json\r\nContent-Length: ${r.int(0, 20)}\r\n`, pod));
    case 2: {
      const chunked = `${r.pick(['zz', '-1', 'ffffffffffffffff', '5', '0'])}\r\n${pod.slice(0, 5)}\r\n${r.chance(0.5) ? '0\r\n\r\n' : ''}`;
      return one(post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', chunked));
    }
    case 3:
      return one(post(`Content-Type: application/json\r\nContent-Length: ${pod.length}\r\nTransfer-Encoding: chunked\r\n`, pod));
    case 4:
      return one(post(`Content-Type: ${r.pick(['application/json\u0000', 'application/\u00ffjson', ';;', 'application/json; boundary="', 'a'.repeat(9000)])}\r\nContent-Length: ${pod.length}\r\n`, pod));
    case 5:
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Big: ${'b'.repeat(r.int(8000, 40000))}\r\n\r\n`);
    case 6:
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n${Array.from({ length: r.int(100, 3000) }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
    case 7:
      return one(`${r.pick(['GET / HTTP/1.0', 'GET /', 'PRI * HTTP/2.0\r\n\r\nSM', 'GET /api HTTP/9.9', 'GET  /api  HTTP/1.1', 'G\u0000T /api HTTP/1.1', 'GET /api/v1/pods\u00ff HTTP/1.1', 'GET /api/v1/pods?a=\u0001 HTTP/1.1', 'CONNECT 127.0.0.1:1 HTTP/1.1', 'FOO /api HTTP/1.1'])}\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n`);
    case 8:
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nExpect: ${r.pick(['100-continue', 'nope', '200-ok'])}\r\nContent-Length: 10\r\n\r\n`);
    case 9:
      // Two requests pipelined in one write, the second broken.
      return one(`GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\nGET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods?${r.pick(GARBAGE_ENCODINGS)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n${r.bytes(r.int(0, 40)).toString('latin1')}`);
    case 10:
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: ${r.pick(['Bearer', 'Bearer ', 'Basic YTpi', 'Bearer {token} extra', 'bearer {token}', 'Bearer\t{token}', 'Bearer ' + 'x'.repeat(5000), ''])}\r\n\r\n`);
    case 11:
      // An upgrade where no streaming happens, or with the wrong method or token.
      return one(`${r.pick(['GET', 'POST', 'PUT'])} ${r.pick([`/api/v1/namespaces/${FUZZ_NAMESPACE}/pods`, '/api', `/api/v1/namespaces/${TARGET_NAMESPACE}/pods/${TARGET_POD}/exec?command=true&stdout=true`, `/api/v1/namespaces/${TARGET_NAMESPACE}/pods/${TARGET_POD}/portforward?ports=1`, '/nope'])} HTTP/1.1\r\nHost: x\r\nAuthorization: ${r.chance(0.8) ? 'Bearer {token}' : 'Bearer wrong'}\r\nConnection: Upgrade\r\nUpgrade: ${r.pick(['websocket', 'SPDY/3.1', 'h2c', 'nope', ''])}\r\nSec-WebSocket-Version: ${r.pick(['13', '8', 'x'])}\r\nSec-WebSocket-Key: ${r.pick(['dGhlIHNhbXBsZSBub25jZQ==', '', 'short'])}\r\n\r\n`);
    case 12:
      // Headers that never finish.
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Partial: ${'p'.repeat(r.int(0, 100))}`);
    case 13:
      return { kind: 'raw', label, chunks: [r.bytes(r.int(1, 4096))], end: r.chance(0.5) };
    case 14:
      return one(post(`Content-Type: application/json\r\nContent-Length: ${r.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 5', '5, 5'])}\r\n`, pod));
    case 15:
      return one(post(`Content-Type: application/json\r\nContent-Length: ${4 * 1024 * 1024}\r\n`, 'x'.repeat(r.int(0, 100))), r.chance(0.5));
    case 16:
      return one(post(`Content-Type: application/json\r\nContent-Encoding: ${r.pick(['gzip', 'br', 'deflate', 'nope'])}\r\nContent-Length: ${pod.length}\r\n`, pod));
    case 17:
      return one(`HEAD /api/v1/namespaces/${FUZZ_NAMESPACE}/pods?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n`);
    case 18:
      return one(post(`Content-Type: application/vnd.kubernetes.protobuf\r\nContent-Length: ${r.int(0, 64)}\r\n`, protobufBody(r).toString('latin1')));
    case 19:
      return one(`GET /api/v1/namespaces/${FUZZ_NAMESPACE}/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nHost: y\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n`);
    case 20:
      return one(`GET ${'/api/v1/namespaces/fuzz/pods'.padEnd(r.int(9000, 70000), '/x')} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n`);
    default:
      return one(`OPTIONS * HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n`);
  }
}

// ---- Streaming ----

const EXEC_COMMANDS = [['cat'], ['echo', 'hi'], ['sh', '-c', 'exit 3'], ['/bin/nope'], ['sh', '-c', 'head -c 200000 /dev/zero'], ['true'], ['sh', '-c', 'read x; echo $x'], ['sleep', '1'], [''], ['sh', '-c', 'echo err >&2']];

function wsFrames(r: Random, channels: boolean, count: number): WsFrame[] {
  const frames: WsFrame[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r.int(0, 19);
    if (roll < 6 && channels) frames.push({ type: 'binary', data: Buffer.concat([Buffer.from([r.pick([0, 0, 0, 1, 2, 3, 4, 5, 9, 254])]), Buffer.from(r.chance(0.7) ? `${r.word()}\n` : oddString(r))]) });
    else if (roll < 8 && channels) frames.push({ type: 'binary', data: Buffer.concat([Buffer.from([4]), Buffer.from(r.pick(['{"Width":80,"Height":24}', '{"Width":-1,"Height":1e9}', '{"Width":"a"}', 'garbage', '{"Width":80,"Height":24}\n{"Width":81,"Height":25}\n', '{}', 'null', '{"Width":65536,"Height":65536}']))]) });
    else if (roll < 9 && channels) frames.push({ type: 'binary', data: Buffer.from([255, r.pick([0, 1, 3, 255])].slice(0, r.int(1, 2))) });
    else if (roll < 11) frames.push({ type: 'binary', data: r.bytes(r.int(0, 64)) });
    else if (roll < 13) frames.push({ type: 'text', data: r.chance(0.5) ? r.pick(['0aGVsbG8=', '4eyJXaWR0aCI6ODB9', '9', 'Z', '0!!!']) : oddString(r) });
    else if (roll < 14) frames.push({ type: 'ping' });
    else if (roll < 15) frames.push({ type: 'binary', data: Buffer.alloc(r.pick([70 * 1024, 1024 * 1024 + 10]), 0) });
    else if (roll < 17) frames.push({ type: 'raw', data: rawWebSocketFrame(r) });
    else if (roll < 18) frames.push({ type: 'close', code: r.pick([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 3000, 4999]), reason: r.chance(0.8) ? '' : 'r'.repeat(r.int(1, 120)) });
    else frames.push({ type: 'binary', data: Buffer.from([0, ...Buffer.from('echo fuzz\n')]) });
  }
  return frames;
}

/** A client frame the ws library would refuse to build: bad opcodes, unmasked, lying lengths, invalid UTF-8, fragmented control frames. */
function rawWebSocketFrame(r: Random): Buffer {
  const masked = r.chance(0.85);
  const opcode = r.pick([0x0, 0x1, 0x2, 0x3, 0x7, 0x8, 0x9, 0xa, 0xb, 0xf]);
  const fin = r.chance(0.8) ? 0x80 : 0;
  const rsv = r.chance(0.1) ? r.pick([0x40, 0x20, 0x10]) : 0;
  let payload = r.pick([Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), r.bytes(r.int(0, 200)), Buffer.from([0x03, 0xe8]), Buffer.from([0x00, 0x05]), Buffer.from('')]);
  if (opcode >= 0x8 && r.chance(0.3)) payload = r.bytes(130);
  const header: number[] = [fin | rsv | opcode];
  const lenStyle = r.int(0, 9);
  if (lenStyle === 0) header.push((masked ? 0x80 : 0) | 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  else if (lenStyle === 1) header.push((masked ? 0x80 : 0) | 126, 0xff, 0xff);
  else if (payload.length < 126) header.push((masked ? 0x80 : 0) | payload.length);
  else header.push((masked ? 0x80 : 0) | 126, payload.length >> 8, payload.length & 0xff);
  const mask = masked ? r.bytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload.map((b, i) => (masked ? b ^ mask[i % 4]! : b)));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

function streamQuery(r: Random, sub: 'exec' | 'attach' | 'portforward'): string {
  if (sub === 'portforward') return queryString(r, ['ports'], r.int(0, 3));
  const parts: string[] = [];
  if (sub === 'exec') for (const c of r.chance(0.9) ? r.pick(EXEC_COMMANDS) : [oddString(r)]) parts.push(`command=${encode(c)}`);
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) if (r.chance(0.6)) parts.push(`${flag}=${r.chance(0.85) ? 'true' : paramValue(r, flag)}`);
  if (r.chance(0.3)) parts.push(`container=${encode(paramValue(r, 'container'))}`);
  if (r.chance(0.05)) parts.push(r.pick(GARBAGE_ENCODINGS));
  return `?${parts.join('&')}`;
}

function streamPath(r: Random, sub: 'exec' | 'attach' | 'portforward'): string {
  const target = r.chance(0.7);
  const ns = target ? TARGET_NAMESPACE : namespaceSegment(r);
  const pod = target ? TARGET_POD : segment(r, POD_NAMES);
  return `/api/v1/namespaces/${ns}/pods/${pod}/${sub}${streamQuery(r, sub)}`;
}

const WS_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io', 'SPDY/3.1+portforward.k8s.io', 'portforward.k8s.io', 'v9.channel.k8s.io', 'nope'];

function wsStreamInput(r: Random): WsStreamInput {
  const sub = r.weighted([
    [5, 'exec'],
    [2, 'attach'],
    [2, 'portforward'],
  ] as const);
  const protocols = r.chance(0.85) ? [r.pick(WS_PROTOCOLS), ...(r.chance(0.3) ? [r.pick(WS_PROTOCOLS)] : [])] : Array.from({ length: r.int(0, 40) }, () => r.word());
  return { kind: 'stream-ws', label: `ws ${sub} [${protocols.slice(0, 2).join(',')}]`, path: streamPath(r, sub), protocols, frames: wsFrames(r, true, r.int(0, 8)) };
}

const SPDY_HEADER_NAMES = ['streamtype', 'port', 'requestid', 'x', '', ':path', 'STREAMTYPE'];
const STREAM_TYPES = ['error', 'stdin', 'stdout', 'stderr', 'resize', 'data', 'nope', ''];

function spdyFrames(r: Random, portForward: boolean): SpdyFrameSpec[] {
  const frames: SpdyFrameSpec[] = [];
  let streamId = 1;
  const n = r.int(0, 10);
  for (let i = 0; i < n; i++) {
    const roll = r.int(0, 15);
    if (roll < 6) {
      const headers: [string, string][] = [];
      if (r.chance(0.9)) headers.push(['streamtype', r.pick(portForward ? ['error', 'data', 'data', 'nope'] : STREAM_TYPES)]);
      if (portForward && r.chance(0.9)) headers.push(['port', paramValue(r, 'ports')], ['requestid', String(r.int(0, 3))]);
      if (r.chance(0.1)) headers.push([r.pick(SPDY_HEADER_NAMES), oddString(r).slice(0, 200)]);
      frames.push({ type: 'syn', streamId: r.chance(0.9) ? streamId : r.pick([0, 2, streamId - 2, 2 ** 31 - 1]), headers, flags: r.pick([0, 0, 0, 1, 2, 3]) });
      streamId += 2;
    } else if (roll < 9) {
      const id = r.chance(0.8) ? r.int(0, Math.max(0, (streamId - 1) / 2 - 1)) * 2 + 1 : r.int(0, 100);
      const data = r.chance(0.8) ? Buffer.from(r.chance(0.5) ? `${r.word()}\n` : '{"Width":100,"Height":40}') : r.bytes(r.int(0, 300));
      frames.push({ type: 'bytes', data: dataFrame(id, data, r.int(0, 3)) });
    } else if (roll < 10) frames.push({ type: 'bytes', data: controlFrame(6, 0, r.bytes(4)) }); // PING
    else if (roll < 11) frames.push({ type: 'bytes', data: controlFrame(3, 0, Buffer.concat([u32(r.int(0, streamId)), u32(r.int(0, 12))])) }); // RST_STREAM
    else if (roll < 12) frames.push({ type: 'bytes', data: controlFrame(7, 0, Buffer.concat([u32(r.int(0, streamId)), u32(r.int(0, 3))])) }); // GOAWAY
    else if (roll < 13) frames.push({ type: 'bytes', data: controlFrame(r.pick([4, 9, 8, 5, 11, 0, 0x7fff]), r.int(0, 255), r.bytes(r.int(0, 24))) }); // SETTINGS, WINDOW_UPDATE, HEADERS, NOOP, unknown
    else if (roll < 14) frames.push({ type: 'bytes', data: r.bytes(r.int(1, 64)) });
    else if (roll < 15) {
      // A frame header that promises far more than follows, or a version we do not speak.
      const f = r.chance(0.5) ? Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff]) : Buffer.from([0x80, r.pick([0x02, 0x04, 0x7f]), 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
      frames.push({ type: 'bytes', data: f });
    } else frames.push({ type: 'syn', streamId, headers: [['streamtype', 'error']], flags: 0 });
  }
  return frames;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type & 0xffff, 2);
  head.writeUInt32BE((((flags & 0xff) << 24) | (payload.length & 0xffffff)) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function dataFrame(streamId: number, data: Buffer, flags: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE((((flags & 0xff) << 24) | (data.length & 0xffffff)) >>> 0, 4);
  return Buffer.concat([head, data]);
}

function spdyStreamInput(r: Random): SpdyStreamInput {
  const sub = r.weighted([
    [5, 'exec'],
    [2, 'attach'],
    [2, 'portforward'],
  ] as const);
  const protocols = r.chance(0.85)
    ? sub === 'portforward'
      ? ['portforward.k8s.io']
      : r.pick([['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], ['v5.channel.k8s.io'], ['v4.channel.k8s.io']])
    : Array.from({ length: r.int(0, 5) }, () => r.pick(WS_PROTOCOLS.concat(oddString(r).replace(/[^\x21-\x7e]/g, '').slice(0, 50))));
  return { kind: 'stream-spdy', label: `spdy ${sub} [${protocols[0] ?? ''}]`, path: streamPath(r, sub), protocols, frames: spdyFrames(r, sub === 'portforward') };
}

function shellInput(r: Random): ShellInput {
  const ticket = r.weighted([
    [8, 'valid'],
    [1, 'reused'],
    [1, 'garbage'],
    [1, 'none'],
    [1, 'other-sandbox'],
  ] as const);
  const path = r.chance(0.85) ? '{id}/shell' : r.pick(['{id}/shell/', '{id}/shel', `${r.pick(GARBAGE_ENCODINGS)}/shell`, '{id}%2Fshell', '../{id}/shell', 'x'.repeat(3000) + '/shell', '{id}/shell/extra']);
  const query = r.chance(0.6) ? '' : queryString(r, ['cols', 'rows'], r.int(1, 3)).slice(1);
  const origin = r.weighted([
    [6, undefined],
    [3, 'http://localhost:3000'],
    [1, r.pick(['http://evil.example', 'null', '', 'http://localhost:3000/', 'HTTP://LOCALHOST:3000'])],
  ] as const);
  const frames: WsFrame[] = [];
  const n = r.int(0, 8);
  for (let i = 0; i < n; i++) {
    const roll = r.int(0, 12);
    if (roll < 4) frames.push({ type: 'binary', data: Buffer.from(r.chance(0.6) ? r.pick(['echo fuzz\r', 'ls\r', 'stty size\r', '\x03', '\x1b[A', 'kubectl get pods\r']) : oddString(r).replace(/[\x04]/g, '')) });
    else if (roll < 7) {
      const resize = r.chance(0.6)
        ? { type: 'resize', cols: r.chance(0.5) ? r.int(1, 300) : oddNumber(r), rows: r.chance(0.5) ? r.int(1, 100) : anyValue(r, 0) }
        : r.chance(0.5)
          ? { type: r.pick(['resize', 'ping', 'checks', 'nope', '__proto__']), extra: anyValue(r, 1) }
          : anyValue(r, 2);
      frames.push({ type: 'text', data: r.chance(0.9) ? JSON.stringify(resize) : oddString(r) });
    } else frames.push(...wsFrames(r, false, 1));
  }
  return { kind: 'shell', label: `shell ${ticket} ${path.slice(0, 30)}`, ticket, path, query, origin, frames };
}

/** The input at `index` of the run seeded with `seed`. */
export function generateInput(r: Random): FuzzInput {
  const make = r.weighted<(r: Random) => FuzzInput>([
    [25, createInput],
    [20, patchInput],
    [18, queryInput],
    [10, otherInput],
    [10, rawInput],
    [7, wsStreamInput],
    [5, spdyStreamInput],
    [5, shellInput],
  ]);
  return make(r);
}
