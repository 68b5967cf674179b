// The REST surface of one virtual cluster: which handler a request goes to. Discovery and
// health answers are here; OpenAPI, the reviews, the derived read-only objects and each verb
// of a stored resource (verbs/) live in their own modules. Streaming subresources (exec,
// attach, portforward) arrive as HTTP upgrades (see server.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../status-error.js';
import type { VirtualCluster } from './cluster.js';
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
import { METHOD_NOT_ALLOWED, NOT_FOUND_PATH, sendJson, sendStatus } from './http-util.js';
import { isOpenApiV3Document, serveOpenApiV2, serveOpenApiV3Document, serveOpenApiV3Index } from './openapi-endpoints.js';
import { forbiddenReadOnly } from './read-only.js';
import { CORE_RESOURCES, LEASES, RESOURCEQUOTAS, STORED, type ResourceInfo } from './resources.js';
import { serveCreate } from './verbs/create.js';
import { serveDelete, serveDeleteCollection } from './verbs/delete.js';
import { serveDerived } from './verbs/derived.js';
import { serveGet } from './verbs/get.js';
import { serveList } from './verbs/list.js';
import { serveLog } from './verbs/log.js';
import { servePatch } from './verbs/patch.js';
import { serveAccessReview, serveSelfSubjectReview } from './verbs/reviews.js';
import { serveUpdate } from './verbs/update.js';
import type { VerbRequest, WritableSubresource } from './verbs/verb-request.js';
import { serveWatch } from './verbs/watch.js';

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
          return serveOpenApiV3Index(res);
      }
      if (isOpenApiV3Document(path)) return serveOpenApiV3Document(res, path, q);
    }
    if (path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return await serveAccessReview(ctx.cluster, req, res, method);
    const whoami = /^\/apis\/authentication\.k8s\.io\/(v1|v1beta1)\/selfsubjectreviews$/.exec(path);
    if (whoami) return await serveSelfSubjectReview(ctx.cluster, req, res, method, whoami[1] ?? 'v1');
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

/** Routes a request for a stored resource to its verb or subresource. */
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
  const sub = t.subresource as WritableSubresource;
  if (sub === 'status' && !info.verbs.includes('update') && method !== 'GET') throw forbiddenReadOnly(info, method, t.name ?? '', ns);
  // A subresource of one object: no collection, and the verbs its discovery entry lists.
  if (sub === 'ephemeralcontainers' && (t.name === undefined || !['GET', 'PUT', 'PATCH'].includes(method))) throw METHOD_NOT_ALLOWED();

  const r: VerbRequest = { cluster, req, res, q, info, ns };
  if (t.name === undefined) {
    // Collection
    if (method === 'GET') {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return serveWatch(r);
      return serveList(r);
    }
    if (method === 'POST') return serveCreate(r);
    if (method === 'DELETE') return serveDeleteCollection(r);
    throw METHOD_NOT_ALLOWED();
  }

  const name = t.name;
  switch (method) {
    case 'GET':
      return serveGet(r, name);
    case 'PUT':
      return serveUpdate(r, name, sub);
    case 'PATCH':
      return servePatch(r, name, sub);
    case 'DELETE':
      return serveDelete(r, name);
  }
  throw METHOD_NOT_ALLOWED();
}
