// The list verb: selectors, limit/continue pagination, and the list as JSON, Table or
// PartialObjectMetadataList.

import type { KubeObject } from '../../k8s-types.js';
import { badRequest } from '../../status-error.js';
import { sendJson } from '../http-util.js';
import { includeObject, listKind, metadataOnly, wantsMetadata, wantsTable } from '../negotiation.js';
import { listOptions } from '../request-options.js';
import { table } from '../tables.js';
import type { VerbRequest } from './verb-request.js';

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

export function serveList(r: VerbRequest): void {
  const { cluster, req, res, q, info, ns } = r;
  const { items, resourceVersion } = cluster.list(info.name, listOptions(q, info, ns));
  const { page, next } = paginate(items, q);
  const listMeta: Record<string, unknown> = { resourceVersion, ...(next ? { continue: next } : {}) };
  if (wantsTable(req)) return sendJson(res, 200, table(info.name, page, includeObject(q), listMeta));
  if (wantsMetadata(req))
    return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: page.map(metadataOnly) });
  sendJson(res, 200, { kind: listKind(info), apiVersion: 'v1', metadata: listMeta, items: page });
}
