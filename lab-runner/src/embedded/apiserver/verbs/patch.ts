// The patch verb: JSON patch, JSON merge patch and strategic merge patch applied to the stored
// object, or server-side apply (apply.ts); the result goes through the cluster's write rules.

import { StatusError, badRequest } from '../../status-error.js';
import { serverSideApply } from '../apply.js';
import { asObject, checkDecoded, decodeBody, warningHeaders } from '../decoding.js';
import { readBody, sendJson } from '../http-util.js';
import { renderObject } from '../negotiation.js';
import { jsonPatch, mergePatch, strategicMergeFor } from '../patch.js';
import { forbiddenReadOnly } from '../read-only.js';
import { dryRunOf, fieldManagerOf, validationOf } from '../request-options.js';
import type { VerbRequest, WritableSubresource } from './verb-request.js';

const NON_APPLY_PATCH_TYPES = 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';

export async function servePatch(r: VerbRequest, name: string, sub: WritableSubresource): Promise<void> {
  const { cluster, req, res, q, info, ns } = r;
  if (!info.verbs.includes('patch')) throw forbiddenReadOnly(info, 'patch', name, ns);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const validation = validationOf(q);
  const dryRun = dryRunOf(q);
  const fieldManager = fieldManagerOf(req, q);
  const body = await readBody(req, cluster.shares.limits.maxBodyBytes);
  if (type === 'application/apply-patch+yaml') {
    // kubectl debug patches ephemeral containers with a strategic merge patch; apply is not served there.
    if (sub === 'ephemeralcontainers') throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${NON_APPLY_PATCH_TYPES}`);
    if (!q.get('fieldManager')) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const applied = asObject(decodeBody(req, body), info);
    const warnings = checkDecoded(applied, info, validation);
    const force = q.get('force') === 'true';
    const result = serverSideApply(cluster, info, ns, name, applied, { fieldManager, force, dryRun, subresource: sub });
    return sendJson(res, result.created ? 201 : 200, renderObject(req, q, info, result.object), warningHeaders(warnings));
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
  sendJson(res, 200, renderObject(req, q, info, updated), warningHeaders(warnings));
}
