// SelfSubjectAccessReview: `kubectl auth can-i`. The sandbox user may do everything in its
// cluster except change what belongs to the platform: the node, its lease and the services
// (the same rule the request handler enforces).

import { z } from 'zod';
import { StatusError, badRequest } from '../status-error.js';

const reviewSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  spec: z
    .looseObject({
      resourceAttributes: z
        .looseObject({
          namespace: z.string().optional(),
          verb: z.string().optional(),
          group: z.string().optional(),
          version: z.string().optional(),
          resource: z.string().optional(),
          subresource: z.string().optional(),
          name: z.string().optional(),
        })
        .optional(),
      nonResourceAttributes: z.looseObject({ path: z.string().optional(), verb: z.string().optional() }).optional(),
    })
    .optional(),
});

const NODE_READ_VERBS = new Set(['get', 'list', 'watch']);

export function selfSubjectAccessReview(body: unknown): Record<string, unknown> {
  const parsed = reviewSchema.safeParse(body);
  if (!parsed.success) throw badRequest(`SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: ${parsed.error.issues[0]?.message ?? 'invalid body'}`);
  const spec = parsed.data.spec ?? {};
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if ((ra === undefined) === (nra === undefined)) {
    throw new StatusError(422, 'Invalid', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`, {
      kind: 'SelfSubjectAccessReview',
      group: 'authorization.k8s.io',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }],
    });
  }
  let allowed = true;
  if (ra) {
    const nodes = (ra.group ?? '') === '' && (ra.resource === 'nodes' || ra.resource === 'services' || ra.resource === '*');
    const leases = ra.group === 'coordination.k8s.io' && (ra.resource === 'leases' || ra.resource === '*');
    const verb = ra.verb ?? '';
    if ((nodes || leases) && (ra.subresource || !NODE_READ_VERBS.has(verb) || (leases && verb === 'watch'))) {
      allowed = false;
    }
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    // As with RBAC, a denial carries no reason (kubectl then prints a bare "no").
    status: { allowed },
  };
}
