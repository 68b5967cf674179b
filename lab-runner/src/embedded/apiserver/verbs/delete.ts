// The delete and deletecollection verbs, and the DeleteOptions they read from the query and
// the body (grace period, preconditions, dryRun).

import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../k8s-types.js';
import { StatusError, badRequest } from '../../status-error.js';
import { decodeBody } from '../decoding.js';
import { METHOD_NOT_ALLOWED, readBody, sendJson } from '../http-util.js';
import { listKind } from '../negotiation.js';
import { READ_ONLY, forbiddenReadOnly } from '../read-only.js';
import { dryRunOf, listOptions } from '../request-options.js';
import type { VerbRequest } from './verb-request.js';

export async function serveDelete(r: VerbRequest, name: string): Promise<void> {
  const { cluster, req, res, q, info, ns } = r;
  if (!info.verbs.includes('delete')) throw forbiddenReadOnly(info, 'delete', name, ns);
  const opts = await deleteOptions(req, q, cluster.shares.limits.maxBodyBytes);
  const { object, gone } = cluster.delete(info.name, ns, name, opts);
  if (info.name === 'pods' || info.name === 'namespaces' || !gone) return sendJson(res, 200, object);
  sendJson(res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, kind: info.name, uid: object.metadata.uid },
  });
}

export async function serveDeleteCollection(r: VerbRequest): Promise<void> {
  const { cluster, req, res, q, info, ns } = r;
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
  sendJson(res, 200, { kind: listKind(info), apiVersion: 'v1', metadata: { resourceVersion: String(cluster.store.resourceVersion) }, items: deleted });
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
