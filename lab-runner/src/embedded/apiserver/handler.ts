// The REST surface of one virtual cluster: routing, content negotiation (JSON, Table,
// PartialObjectMetadata), decoding (JSON, YAML, protobuf), and the verbs get, list, watch,
// create, update, patch, delete, deletecollection plus the status and log subresources.
// Streaming subresources (exec, attach, portforward) arrive as HTTP upgrades (see server.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, Pod } from '../k8s-types.js';
import type { LogOptions } from '../node-contract.js';
import { StatusError, badRequest } from '../status-error.js';
import { serverSideApply } from './apply.js';
import { VirtualCluster, type ListOptions, type WatchEventType } from './cluster.js';
import {
  apiGroupList,
  apiVersions,
  authnGroup,
  authnResourceList,
  authzGroup,
  authzResourceList,
  coordinationGroup,
  coordinationResourceList,
  coreResourceList,
  VERSION_INFO,
} from './discovery.js';
import { checkFields, strictDecodingMessage } from './field-check.js';
import { METHOD_NOT_ALLOWED, NOT_FOUND_PATH, readBody, sendJson, sendStatus } from './http-util.js';
import { jsonPatch, mergePatch, strategicMergeFor } from './patch.js';
import { decodeProtobufObject } from './protobuf.js';
import { CORE_RESOURCES, LEASES, RESOURCEQUOTAS, SELF_SUBJECT_ACCESS_REVIEWS, SELF_SUBJECT_REVIEWS, STORED, type ResourceInfo } from './resources.js';
import { buildV2Document, buildV3Document, type OpenApiV3Document } from './schema/openapi.js';
import { checkFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ResourceExpiredError } from './store.js';
import { table, type IncludeObject } from './tables.js';
import { yamlToJson } from './yaml-body.js';
import { selfSubjectAccessReview } from './access-review.js';
import { resolveContainer } from './containers.js';

export interface RequestContext {
  cluster: VirtualCluster;
  /** host:port clients reached us on, for /api's serverAddressByClientCIDRs. */
  serverAddress: string;
}

/** Where a resource request points. */
export interface ResourcePath {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const MAX_WATCH_BUFFER = 16 * 1024 * 1024;

let openapi: { v3: Record<string, OpenApiV3Document>; v2: string } | undefined;
function openapiDocs() {
  openapi ??= {
    v3: {
      'api/v1': buildV3Document(CORE_RESOURCES.filter((r) => !r.subresource)),
      'apis/authorization.k8s.io/v1': buildV3Document([SELF_SUBJECT_ACCESS_REVIEWS]),
      'apis/coordination.k8s.io/v1': buildV3Document([LEASES]),
      'apis/authentication.k8s.io/v1': buildV3Document([SELF_SUBJECT_REVIEWS]),
    },
    v2: buildV2Document([...CORE_RESOURCES.filter((r) => !r.subresource), SELF_SUBJECT_ACCESS_REVIEWS, LEASES, SELF_SUBJECT_REVIEWS]),
  };
  return openapi;
}

/** Parses `/api/v1/...` into a resource path; undefined when the path names nothing we serve. */
export function parseResourcePath(segments: string[]): (ResourcePath & { watchPrefix: boolean }) | undefined {
  let watchPrefix = false;
  let rest = segments;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const info = STORED[resource];
  if (!info) return undefined;
  if (namespace !== undefined && !info.namespaced) return undefined;
  if (subresource && !CORE_RESOURCES.some((r) => r.name === `${resource}/${subresource}`)) return undefined;
  return { info, namespace, name, subresource, watchPrefix };
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function wantsMetadata(req: IncomingMessage): 'object' | 'list' | undefined {
  const accept = req.headers.accept ?? '';
  if (/as=PartialObjectMetadataList/.test(accept)) return 'list';
  if (/as=PartialObjectMetadata/.test(accept)) return 'object';
  return undefined;
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === 'None' || v === 'Object' || v === 'Metadata') return v;
  if (v) throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
  return 'Metadata';
}

function fieldManagerOf(req: IncomingMessage, q: URLSearchParams): string {
  const fm = q.get('fieldManager');
  if (fm) {
    if (fm.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return fm;
  }
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] || 'unknown';
}

function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dryRun value: "${v}"`);
  return values.length > 0;
}

type Validation = 'Strict' | 'Warn' | 'Ignore';
function validationOf(q: URLSearchParams): Validation {
  const v = q.get('fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

function decodeBody(req: IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return yamlToJson(text);
  if (type !== 'application/json' && !type.endsWith('+json'))
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function asObject(v: unknown, info: ResourceInfo): KubeObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest(`${info.kind} in version "v1" cannot be handled as a ${info.kind}: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct`);
  const o = v as KubeObject;
  if (o.kind !== undefined && o.kind !== info.kind)
    throw badRequest(`${info.kind} in version "v1" cannot be handled as a ${info.kind}: the kind in the body (${o.kind}) does not match the resource (${info.kind})`);
  if (o.apiVersion !== undefined && o.apiVersion !== 'v1')
    throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (v1)`);
  o.metadata ??= {};
  return o;
}

/** Drops unknown fields and reports them as fieldValidation asks: returns the Warning headers. */
function checkDecoded(obj: KubeObject, info: ResourceInfo, validation: Validation): string[] {
  const { unknown } = checkFields(obj as unknown as Record<string, unknown>, info.definition, info.kind);
  if (unknown.length === 0 || validation === 'Ignore') return [];
  if (validation === 'Strict') throw badRequest(strictDecodingMessage(info.kind, unknown));
  // A header carries bytes, not text: characters beyond ASCII in a field name are escaped, or Node refuses the header (500).
  return unknown.map((u) => `299 - ${JSON.stringify(`unknown field "${u}"`).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
}

function listKind(info: ResourceInfo) {
  return `${info.kind}List`;
}

function listOptions(q: URLSearchParams, info: ResourceInfo, namespace: string | undefined): ListOptions {
  const fields = parseFieldSelector(q.get('fieldSelector'));
  checkFieldSelector(fields, info.fieldSelectors);
  return { namespace, labels: parseLabelSelector(q.get('labelSelector')), fields };
}

function metadataOnly(o: KubeObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** Renders one object the way the request's Accept header asks. */
function renderObject(req: IncomingMessage, q: URLSearchParams, info: ResourceInfo, o: KubeObject): unknown {
  if (wantsTable(req)) return table(info.name, [o], includeObject(q), { resourceVersion: o.metadata.resourceVersion });
  if (wantsMetadata(req)) return metadataOnly(o);
  return o;
}

export async function handleRequest(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const q = url.searchParams;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  try {
    if (method === 'GET') {
      switch (path) {
        case '/version':
          return sendJson(res, 200, VERSION_INFO);
        case '/api':
          return sendJson(res, 200, apiVersions(ctx.serverAddress));
        case '/api/v1':
          return sendJson(res, 200, coreResourceList());
        case '/apis':
          return sendJson(res, 200, apiGroupList());
        case '/apis/authorization.k8s.io':
          return sendJson(res, 200, authzGroup());
        case '/apis/authorization.k8s.io/v1':
          return sendJson(res, 200, authzResourceList());
        case '/apis/authentication.k8s.io':
          return sendJson(res, 200, authnGroup());
        case '/apis/authentication.k8s.io/v1':
          return sendJson(res, 200, authnResourceList('v1'));
        case '/apis/authentication.k8s.io/v1beta1':
          return sendJson(res, 200, authnResourceList('v1beta1'));
        case '/apis/coordination.k8s.io':
          return sendJson(res, 200, coordinationGroup());
        case '/apis/coordination.k8s.io/v1':
          return sendJson(res, 200, coordinationResourceList());
        case '/healthz':
        case '/livez':
        case '/readyz':
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('ok');
          return;
        case '/openapi/v2':
          return serveOpenApiV2(req, res);
        case '/openapi/v3':
          return sendJson(res, 200, {
            paths: Object.fromEntries(Object.entries(openapiDocs().v3).map(([k, d]) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${d.hash}` }])),
          });
      }
      if (path.startsWith('/openapi/v3/')) {
        const docs = openapiDocs().v3;
        const key = path.slice('/openapi/v3/'.length);
        const doc = Object.hasOwn(docs, key) ? docs[key] : undefined;
        if (!doc) throw NOT_FOUND_PATH();
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(doc.body),
          'Cache-Control': q.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private',
          Etag: `"${doc.hash}"`,
        });
        res.end(doc.body);
        return;
      }
    }
    if (path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      if (method !== 'POST') throw METHOD_NOT_ALLOWED();
      const review = decodeBody(req, await readBody(req, ctx.cluster.shares.limits.maxBodyBytes));
      return sendJson(res, 201, selfSubjectAccessReview(review));
    }
    const whoami = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1)\/selfsubjectreviews$/.exec(path);
    if (whoami) {
      if (method !== 'POST') throw METHOD_NOT_ALLOWED();
      decodeBody(req, await readBody(req, ctx.cluster.shares.limits.maxBodyBytes));
      // Every credential of a sandbox (its token, its socket) is the sandbox's one user.
      return sendJson(res, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: `authentication.k8s.io/${whoami[1]}`,
        metadata: { creationTimestamp: null },
        status: { userInfo: { username: 'kubelab', groups: ['system:authenticated'] } },
      });
    }
    if (path.startsWith('/apis/coordination.k8s.io/v1/'))
      return serveDerived(req, res, q, path.slice('/apis/coordination.k8s.io/v1/'.length).split('/'), method, LEASES, [ctx.cluster.nodeLease()], ctx.cluster);
    if (!path.startsWith('/api/v1/')) throw NOT_FOUND_PATH();
    if (/^\/api\/v1\/(namespaces\/[^/]+\/)?resourcequotas(\/|$)/.test(path))
      return serveDerived(req, res, q, path.slice('/api/v1/'.length).split('/'), method, RESOURCEQUOTAS, [ctx.cluster.sandboxQuota()], ctx.cluster);
    const target = parseResourcePath(path.slice('/api/v1/'.length).split('/'));
    if (!target) throw NOT_FOUND_PATH();
    if (target.watchPrefix) q.set('watch', 'true');
    await serveResource(ctx, req, res, q, target, method);
  } catch (err) {
    sendStatus(res, err);
  }
}

/**
 * Objects derived from the platform's state rather than stored, and read-only: the node's
 * heartbeat Lease and the sandbox's `sandbox-quota` ResourceQuota (live usage).
 */
function serveDerived(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, segments: string[], method: string, info: ResourceInfo, objects: KubeObject[], cluster: VirtualCluster): void {
  let ns: string | undefined;
  let rest = segments;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, ...extra] = rest;
  if (resource !== info.name || extra.length > 0) throw NOT_FOUND_PATH();
  if (q.get('watch') === 'true') throw METHOD_NOT_ALLOWED();
  if (method !== 'GET') throw forbiddenReadOnly(info, method === 'POST' ? 'create' : method, name ?? '', ns);
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  const visible = objects.filter((o) => ns === undefined || ns === o.metadata.namespace);
  if (name !== undefined) {
    const found = visible.find((o) => o.metadata.name === name);
    if (!found) throw new StatusError(404, 'NotFound', `${info.group ? `${info.name}.${info.group}` : info.name} "${name}" not found`, { name, ...(info.group ? { group: info.group } : {}), kind: info.name });
    return sendJson(res, 200, renderObject(req, q, info, found));
  }
  const items = visible.filter((o) => cluster.matchesLabelsOnly(o, parseLabelSelector(q.get('labelSelector'))));
  const listMeta = { resourceVersion: String(cluster.store.resourceVersion) };
  if (wantsTable(req)) return sendJson(res, 200, table(info.name, items, includeObject(q), listMeta));
  sendJson(res, 200, { kind: listKind(info), apiVersion, metadata: listMeta, items });
}

function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  const accept = req.headers.accept ?? '';
  if (accept.includes('protobuf')) {
    // An empty protobuf document: it satisfies kubectl's mandatory v2 fetch and leaves
    // validation to the server (fieldValidation), which is where our schema lives.
    res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': 0 });
    res.end();
    return;
  }
  const body = openapiDocs().v2;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function serveResource(ctx: RequestContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, t: ResourcePath, method: string): Promise<void> {
  const { cluster } = ctx;
  const { info } = t;
  const ns = info.namespaced ? t.namespace : undefined;
  if (info.namespaced && t.name !== undefined && ns === undefined) throw NOT_FOUND_PATH();

  if (t.subresource === 'log') {
    if (method !== 'GET') throw METHOD_NOT_ALLOWED();
    return serveLog(cluster, req, res, q, ns ?? 'default', t.name ?? '');
  }
  if (t.subresource === 'exec' || t.subresource === 'attach' || t.subresource === 'portforward') {
    // Streaming requests arrive as upgrades; a plain request gets the real server's answer.
    cluster.get('pods', ns, t.name ?? '');
    throw badRequest('Upgrade request required');
  }
  const sub = t.subresource as 'status' | 'ephemeralcontainers' | undefined;
  if (sub === 'status' && !info.verbs.includes('update') && method !== 'GET') throw forbiddenReadOnly(info, method, t.name ?? '', ns);
  // A subresource of one object: no collection, and the verbs its discovery entry lists.
  if (sub === 'ephemeralcontainers' && (t.name === undefined || !['GET', 'PUT', 'PATCH'].includes(method))) throw METHOD_NOT_ALLOWED();

  if (t.name === undefined) {
    // Collection
    if (method === 'GET') {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return serveWatch(ctx, req, res, q, info, ns);
      return serveList(ctx, req, res, q, info, ns);
    }
    if (method === 'POST') {
      if (!info.verbs.includes('create')) throw forbiddenReadOnly(info, 'create', '', ns);
      if (info.namespaced && ns === undefined) throw NOT_FOUND_PATH();
      const validation = validationOf(q);
      const obj = asObject(decodeBody(req, await readBody(req, ctx.cluster.shares.limits.maxBodyBytes)), info);
      const warnings = checkDecoded(obj, info, validation);
      const created = cluster.create(info.name, ns, obj, { dryRun: dryRunOf(q), fieldManager: fieldManagerOf(req, q) });
      return sendJson(res, 201, renderObject(req, q, info, created), warnings.length ? { Warning: warnings } : {});
    }
    if (method === 'DELETE') {
      if (!info.verbs.includes('deletecollection')) throw READ_ONLY.has(info.name) ? forbiddenReadOnly(info, 'deletecollection', '', ns) : METHOD_NOT_ALLOWED();
      const opts = await deleteOptions(req, q, cluster.shares.limits.maxBodyBytes);
      const { items } = cluster.list(info.name, listOptions(q, info, ns));
      const deleted: KubeObject[] = [];
      for (const o of items) {
        try {
          deleted.push(cluster.delete(info.name, o.metadata.namespace, o.metadata.name ?? '', opts).object);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      return sendJson(res, 200, { kind: listKind(info), apiVersion: 'v1', metadata: { resourceVersion: String(cluster.store.resourceVersion) }, items: deleted });
    }
    throw METHOD_NOT_ALLOWED();
  }

  const name = t.name;
  switch (method) {
    case 'GET': {
      const o = cluster.get(info.name, ns, name);
      return sendJson(res, 200, renderObject(req, q, info, o));
    }
    case 'PUT': {
      if (!info.verbs.includes('update') && !(sub === 'status')) throw forbiddenReadOnly(info, 'update', name, ns);
      const validation = validationOf(q);
      const obj = asObject(decodeBody(req, await readBody(req, ctx.cluster.shares.limits.maxBodyBytes)), info);
      const warnings = checkDecoded(obj, info, validation);
      const updated = cluster.update(info.name, ns, name, obj, { dryRun: dryRunOf(q), fieldManager: fieldManagerOf(req, q), subresource: sub });
      return sendJson(res, 200, renderObject(req, q, info, updated), warnings.length ? { Warning: warnings } : {});
    }
    case 'PATCH':
      if (!info.verbs.includes('patch')) throw forbiddenReadOnly(info, 'patch', name, ns);
      return servePatch(ctx, req, res, q, info, ns, name, sub);
    case 'DELETE': {
      if (!info.verbs.includes('delete')) throw forbiddenReadOnly(info, 'delete', name, ns);
      const opts = await deleteOptions(req, q, cluster.shares.limits.maxBodyBytes);
      const { object, gone } = cluster.delete(info.name, ns, name, opts);
      if (info.name === 'pods' || info.name === 'namespaces' || !gone) return sendJson(res, 200, object);
      return sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, kind: info.name, uid: object.metadata.uid },
      });
    }
  }
  throw METHOD_NOT_ALLOWED();
}

/** Resources the platform owns: learners may read them but not change them. */
const READ_ONLY = new Set(['nodes', 'services']);

/** The RBAC-style refusal a real cluster gives a user without write access. */
function forbiddenReadOnly(info: ResourceInfo, verb: string, name: string, namespace: string | undefined): StatusError {
  const v = verb === 'PUT' ? 'update' : verb === 'PATCH' ? 'patch' : verb.toLowerCase();
  const scope = info.namespaced ? `in the namespace "${namespace ?? 'default'}"` : 'at the cluster scope';
  return new StatusError(403, 'Forbidden', `${info.name}${name ? ` "${name}"` : ''} is forbidden: User "kubelab" cannot ${v} resource "${info.name}" in API group "${info.group}" ${scope}`, {
    ...(name ? { name } : {}),
    kind: info.name,
  });
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams, bodyLimit: number) {
  let grace: number | undefined;
  let preconditions: { uid?: string; resourceVersion?: string } | undefined;
  let dryRun = dryRunOf(q);
  const body = await readBody(req, bodyLimit);
  if (body.length > 0) {
    const o = decodeBody(req, body) as { gracePeriodSeconds?: number; preconditions?: typeof preconditions; dryRun?: string[] } | null;
    if (o && typeof o === 'object') {
      if (typeof o.gracePeriodSeconds === 'number') grace = o.gracePeriodSeconds;
      preconditions = o.preconditions;
      if (Array.isArray(o.dryRun) && o.dryRun.includes('All')) dryRun = true;
    }
  }
  const g = q.get('gracePeriodSeconds');
  if (g !== null) {
    const n = Number(g);
    if (!Number.isInteger(n)) throw badRequest(`invalid value for gracePeriodSeconds: ${g}`);
    grace = n;
  }
  return { gracePeriodSeconds: grace, preconditions, dryRun };
}

function paginate(items: KubeObject[], q: URLSearchParams): { page: KubeObject[]; next?: string } {
  const limit = Number(q.get('limit') ?? '0');
  let start = 0;
  const cont = q.get('continue');
  if (cont) {
    try {
      const token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { after?: string };
      const after = token.after ?? '';
      start = items.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}` > after);
      if (start < 0) start = items.length;
    } catch {
      throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    }
  }
  if (!Number.isInteger(limit) || limit <= 0 || start + limit >= items.length) return { page: items.slice(start) };
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1];
  const next = Buffer.from(JSON.stringify({ after: `${last?.metadata.namespace ?? ''}/${last?.metadata.name ?? ''}` })).toString('base64url');
  return { page, next };
}

function serveList(ctx: RequestContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, info: ResourceInfo, ns: string | undefined): void {
  const { items, resourceVersion } = ctx.cluster.list(info.name, listOptions(q, info, ns));
  const { page, next } = paginate(items, q);
  const listMeta: Record<string, unknown> = { resourceVersion, ...(next ? { continue: next } : {}) };
  if (wantsTable(req)) return sendJson(res, 200, table(info.name, page, includeObject(q), listMeta));
  if (wantsMetadata(req))
    return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: page.map(metadataOnly) });
  sendJson(res, 200, { kind: listKind(info), apiVersion: 'v1', metadata: listMeta, items: page });
}

function serveWatch(ctx: RequestContext, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, info: ResourceInfo, ns: string | undefined): void {
  const { cluster } = ctx;
  const opts = listOptions(q, info, ns);
  const asTable = wantsTable(req);
  const asMeta = wantsMetadata(req);
  const include = includeObject(q);
  const rvParam = q.get('resourceVersion') ?? '';
  let since: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    since = Number(rvParam);
    if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${rvParam}`);
  }
  const render = (o: KubeObject) => (asTable ? table(info.name, [o], include, { resourceVersion: o.metadata.resourceVersion }) : asMeta ? metadataOnly(o) : o);
  // One of the sandbox's watch slots, held until the stream ends (429 when none is free).
  const release = cluster.shares.openWatch();
  res.on('close', release);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: WatchEventType | 'ERROR' | 'BOOKMARK', object: unknown) => {
    if (res.destroyed || res.writableEnded) return;
    // A client that stopped reading is cut off (it re-lists and re-watches) instead of buffering without bound.
    if (res.writableLength > MAX_WATCH_BUFFER) {
      res.destroy();
      return;
    }
    res.write(JSON.stringify({ type, object }) + '\n');
  };
  // Keys of objects the client currently sees as matching, so selector changes become ADDED/DELETED.
  // A watch resuming at `since` starts from what matched then, not now: the changes replayed
  // below (made between the client's list and this watch) are judged against that.
  const visible = new Set<string>();
  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const then = since === undefined ? new Map<string, KubeObject | null | undefined>() : cluster.store.statesAt(info.name, since);
  for (const o of cluster.list(info.name, opts).items) {
    const key = keyOf(o);
    if (then.get(key) === undefined) visible.add(key);
    if (since === undefined) send('ADDED', render(o));
  }
  for (const [key, was] of then) {
    if (was === null) visible.delete(key);
    else if (was) {
      if (cluster.matches(info.name, was, opts)) visible.add(key);
      else visible.delete(key);
    }
  }
  const onChange = (type: WatchEventType, o: KubeObject) => {
    const key = keyOf(o);
    const match = cluster.matches(info.name, o, opts);
    if (type === 'DELETED') {
      if (visible.delete(key) || match) send('DELETED', render(o));
      return;
    }
    if (match) {
      send(visible.has(key) && type !== 'ADDED' ? 'MODIFIED' : 'ADDED', render(o));
      visible.add(key);
    } else if (visible.delete(key)) send('DELETED', render(o));
  };
  let unsubscribe: () => void = () => {};
  try {
    unsubscribe = cluster.store.watch({ resource: info.name, onChange: (c) => onChange(c.type, c.object) }, since);
  } catch (e) {
    if (e instanceof ResourceExpiredError) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: 'Expired', code: 410 });
      res.end();
      return;
    }
    throw e;
  }
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    release();
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  // Without timeoutSeconds the real server ends watches after a random 30–60 minutes.
  const ms = timeout > 0 ? timeout * 1000 : (1800 + Math.random() * 1800) * 1000;
  timer = setTimeout(finish, ms);
  req.on('close', finish);
  res.on('close', finish);
}

const NON_APPLY_PATCH_TYPES = 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';

async function servePatch(
  ctx: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  info: ResourceInfo,
  ns: string | undefined,
  name: string,
  sub: 'status' | 'ephemeralcontainers' | undefined,
): Promise<void> {
  const { cluster } = ctx;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const validation = validationOf(q);
  const dryRun = dryRunOf(q);
  const fieldManager = fieldManagerOf(req, q);
  const body = await readBody(req, ctx.cluster.shares.limits.maxBodyBytes);
  if (type === 'application/apply-patch+yaml') {
    // kubectl debug patches ephemeral containers with a strategic merge patch; apply is not served there.
    if (sub === 'ephemeralcontainers') throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${NON_APPLY_PATCH_TYPES}`);
    if (!q.get('fieldManager')) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = asObject(decodeBody(req, body), info);
    const warnings = checkDecoded(applied, info, validation);
    const force = q.get('force') === 'true';
    const result = serverSideApply(cluster, info, ns, name, applied, { fieldManager, force, dryRun, subresource: sub });
    return sendJson(res, result.created ? 201 : 200, renderObject(req, q, info, result.object), warnings.length ? { Warning: warnings } : {});
  }
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  const current = cluster.get(info.name, ns, name);
  let patched: unknown;
  switch (type) {
    case 'application/json-patch+json':
      patched = jsonPatch(current, patch);
      break;
    case 'application/merge-patch+json':
      patched = mergePatch(current, patch);
      break;
    case 'application/strategic-merge-patch+json':
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('unable to find api field in struct Pod for the json field "$patch"');
      patched = strategicMergeFor(info.definition, current, patch);
      break;
    default:
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
  }
  const obj = asObject(patched, info);
  const warnings = checkDecoded(obj, info, validation);
  if (!obj.metadata.resourceVersion) obj.metadata.resourceVersion = current.metadata.resourceVersion;
  const updated = cluster.update(info.name, ns, name, obj, { dryRun, fieldManager, subresource: sub });
  sendJson(res, 200, renderObject(req, q, info, updated), warnings.length ? { Warning: warnings } : {});
}

async function serveLog(cluster: VirtualCluster, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, ns: string, name: string): Promise<void> {
  const pod = cluster.get('pods', ns, name) as Pod;
  const container = resolveContainer(pod, q.get('container') ?? undefined);
  const num = (k: string) => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`${k}: Invalid value: ${JSON.stringify(v)}: must be greater than or equal to 0`);
    return n;
  };
  const options: LogOptions = {
    container,
    follow: q.get('follow') === 'true',
    previous: q.get('previous') === 'true',
    timestamps: q.get('timestamps') === 'true',
    tailLines: num('tailLines'),
    sinceSeconds: num('sinceSeconds'),
    sinceTime: q.get('sinceTime') ?? undefined,
    limitBytes: num('limitBytes'),
  };
  const runtime = cluster.nodeRuntime;
  if (!runtime) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  const stream = await runtime.logs(pod, options, abort.signal);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  stream.on('data', (chunk: Buffer | string) => res.write(chunk));
  stream.on('end', () => res.end());
  stream.on('error', () => res.end());
  res.on('close', () => {
    abort.abort();
    stream.destroy();
  });
}

