// The create verb: POST to a collection, decoded and checked, then the cluster's write rules.

import { readObject, warningHeaders } from '../decoding.js';
import { NOT_FOUND_PATH, sendJson } from '../http-util.js';
import { renderObject } from '../negotiation.js';
import { forbiddenReadOnly } from '../read-only.js';
import { dryRunOf, fieldManagerOf } from '../request-options.js';
import type { VerbRequest } from './verb-request.js';

export async function serveCreate(r: VerbRequest): Promise<void> {
  const { cluster, req, res, q, info, ns } = r;
  if (!info.verbs.includes('create')) throw forbiddenReadOnly(info, 'create', '', ns);
  if (info.namespaced && ns === undefined) throw NOT_FOUND_PATH();
  const { obj, warnings } = await readObject(req, q, info, cluster.shares.limits.maxBodyBytes);
  const created = cluster.create(info.name, ns, obj, { dryRun: dryRunOf(q), fieldManager: fieldManagerOf(req, q) });
  sendJson(res, 201, renderObject(req, q, info, created), warningHeaders(warnings));
}
