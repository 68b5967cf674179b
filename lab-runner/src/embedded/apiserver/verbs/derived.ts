// Objects derived from the platform's state rather than stored, and read-only: the node's
// heartbeat Lease and the sandbox's `sandbox-quota` ResourceQuota (live usage). Get and list
// only; a write gets the RBAC-style 403.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../k8s-types.js';
import { StatusError } from '../../status-error.js';
import type { VirtualCluster } from '../cluster.js';
import { METHOD_NOT_ALLOWED, NOT_FOUND_PATH, sendJson } from '../http-util.js';
import { includeObject, listKind, renderObject, wantsTable } from '../negotiation.js';
import { forbiddenReadOnly } from '../read-only.js';
import type { ResourceInfo } from '../resources.js';
import { parseLabelSelector } from '../selectors.js';
import { table } from '../tables.js';

export function serveDerived(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, segments: string[], method: string, info: ResourceInfo, objects: KubeObject[], cluster: VirtualCluster): void {
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
