// The OpenAPI endpoints kubectl reads (explain, client-side checks): /openapi/v2 and the
// /openapi/v3 index and per-group documents, built once from schema/.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOT_FOUND_PATH, sendJson } from './http-util.js';
import { CORE_RESOURCES, LEASES, SELF_SUBJECT_ACCESS_REVIEWS, SELF_SUBJECT_REVIEWS } from './resources.js';
import { buildV2Document, buildV3Document, type OpenApiV3Document } from './schema/openapi.js';

const V3_PREFIX = '/openapi/v3/';

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

export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
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

/** /openapi/v3: where each group's document is, with its hash for caching. */
export function serveOpenApiV3Index(res: ServerResponse): void {
  sendJson(res, 200, {
    paths: Object.fromEntries(Object.entries(openapiDocs().v3).map(([k, d]) => [k, { serverRelativeURL: `${V3_PREFIX}${k}?hash=${d.hash}` }])),
  });
}

export function isOpenApiV3Document(path: string): boolean {
  return path.startsWith(V3_PREFIX);
}

/** One group's v3 document; immutable when asked for by its current hash, as upstream. */
export function serveOpenApiV3Document(res: ServerResponse, path: string, q: URLSearchParams): void {
  const docs = openapiDocs().v3;
  const key = path.slice(V3_PREFIX.length);
  const doc = Object.hasOwn(docs, key) ? docs[key] : undefined;
  if (!doc) throw NOT_FOUND_PATH();
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(doc.body),
    'Cache-Control': q.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private',
    Etag: `"${doc.hash}"`,
  });
  res.end(doc.body);
}
