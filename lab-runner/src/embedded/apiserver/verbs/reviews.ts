// The review endpoints kubectl asks about the user: SelfSubjectAccessReview (`kubectl auth
// can-i`) and SelfSubjectReview (`kubectl auth whoami`). Create only; nothing is stored.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { selfSubjectAccessReview } from '../access-review.js';
import type { VirtualCluster } from '../cluster.js';
import { decodeBody } from '../decoding.js';
import { METHOD_NOT_ALLOWED, readBody, sendJson } from '../http-util.js';

export async function serveAccessReview(cluster: VirtualCluster, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (method !== 'POST') throw METHOD_NOT_ALLOWED();
  const review = decodeBody(req, await readBody(req, cluster.shares.limits.maxBodyBytes));
  sendJson(res, 201, selfSubjectAccessReview(review));
}

export async function serveSelfSubjectReview(cluster: VirtualCluster, req: IncomingMessage, res: ServerResponse, method: string, version: string): Promise<void> {
  if (method !== 'POST') throw METHOD_NOT_ALLOWED();
  decodeBody(req, await readBody(req, cluster.shares.limits.maxBodyBytes));
  // Every credential of a sandbox (its token, its socket) is the sandbox's one user.
  sendJson(res, 201, {
    kind: 'SelfSubjectReview',
    apiVersion: `authentication.k8s.io/${version}`,
    metadata: { creationTimestamp: null },
    status: { userInfo: { username: 'kubelab', groups: ['system:authenticated'] } },
  });
}
