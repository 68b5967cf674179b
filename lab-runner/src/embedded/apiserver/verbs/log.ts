// The log subresource: a container's log from the node's runtime, followed while the client
// stays when follow=true.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../k8s-types.js';
import type { LogOptions } from '../../node-contract.js';
import { badRequest } from '../../status-error.js';
import type { VirtualCluster } from '../cluster.js';
import { resolveContainer } from '../containers.js';

export async function serveLog(cluster: VirtualCluster, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, ns: string, name: string): Promise<void> {
  const pod = cluster.get('pods', ns, name) as Pod;
  const container = resolveContainer(pod, q.get('container') ?? undefined);
  const num = (k: string) => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`${k}: Invalid value: ${JSON.stringify(v)}: must be greater than or equal to 0`);
    return n;
  };
  const options: LogOptions = {
    container,
    follow: q.get('follow') === 'true',
    previous: q.get('previous') === 'true',
    timestamps: q.get('timestamps') === 'true',
    tailLines: num('tailLines'),
    sinceSeconds: num('sinceSeconds'),
    sinceTime: q.get('sinceTime') ?? undefined,
    limitBytes: num('limitBytes'),
  };
  const runtime = cluster.nodeRuntime;
  if (!runtime) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  const stream = await runtime.logs(pod, options, abort.signal);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  stream.on('data', (chunk: Buffer | string) => res.write(chunk));
  stream.on('end', () => res.end());
  stream.on('error', () => res.end());
  res.on('close', () => {
    abort.abort();
    stream.destroy();
  });
}
