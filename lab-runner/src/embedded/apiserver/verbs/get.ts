// The get verb: one stored object, rendered as the Accept header asks.

import { sendJson } from '../http-util.js';
import { renderObject } from '../negotiation.js';
import type { VerbRequest } from './verb-request.js';

export function serveGet(r: VerbRequest, name: string): void {
  const { cluster, req, res, q, info, ns } = r;
  sendJson(res, 200, renderObject(req, q, info, cluster.get(info.name, ns, name)));
}
