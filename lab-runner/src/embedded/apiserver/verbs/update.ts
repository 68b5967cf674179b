// The update verb: PUT of a whole object, or of its status or ephemeralcontainers subresource.

import { readObject, warningHeaders } from '../decoding.js';
import { sendJson } from '../http-util.js';
import { renderObject } from '../negotiation.js';
import { forbiddenReadOnly } from '../read-only.js';
import { dryRunOf, fieldManagerOf } from '../request-options.js';
import type { VerbRequest, WritableSubresource } from './verb-request.js';

export async function serveUpdate(r: VerbRequest, name: string, sub: WritableSubresource): Promise<void> {
  const { cluster, req, res, q, info, ns } = r;
  if (!info.verbs.includes('update') && !(sub === 'status')) throw forbiddenReadOnly(info, 'update', name, ns);
  const { obj, warnings } = await readObject(req, q, info, cluster.shares.limits.maxBodyBytes);
  const updated = cluster.update(info.name, ns, name, obj, { dryRun: dryRunOf(q), fieldManager: fieldManagerOf(req, q), subresource: sub });
  sendJson(res, 200, renderObject(req, q, info, updated), warningHeaders(warnings));
}
