// What every verb of a stored resource is handed by the router: the cluster, the HTTP exchange,
// the query, the resource and the namespace the path names.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VirtualCluster } from '../cluster.js';
import type { ResourceInfo } from '../resources.js';

export interface VerbRequest {
  cluster: VirtualCluster;
  req: IncomingMessage;
  res: ServerResponse;
  q: URLSearchParams;
  info: ResourceInfo;
  /** Undefined for a cluster-scoped resource or a list across all namespaces. */
  ns: string | undefined;
}

/** The subresources written through update and patch; undefined for the object itself. */
export type WritableSubresource = 'status' | 'ephemeralcontainers' | undefined;
