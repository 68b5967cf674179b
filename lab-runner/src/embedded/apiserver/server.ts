// The listeners of the embedded API server. Many virtual clusters share one process:
//  - one TLS listener on 127.0.0.1, where the bearer token picks the cluster (401 otherwise);
//  - one unix socket per cluster speaking plain HTTP, where the socket is the identity.
// Requests go to router.ts; streaming upgrades (exec, attach, portforward) are authenticated
// and validated here, then handed to the streaming module.

import { chmodSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Pod } from '../k8s-types.js';
import type { StreamOptions } from '../node-contract.js';
import { StatusError, badRequest } from '../status-error.js';
import type { VirtualCluster } from './cluster.js';
import { resolveContainer } from './containers.js';
import { handleRequest, type RequestContext } from './router.js';
import { sendStatus } from './http-util.js';
import type { TlsIdentity } from './pki.js';
import { isStreamUpgrade, serveStreamUpgrade, type StreamTarget } from './streaming/index.js';

const UNAUTHORIZED = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

export class ApiServer {
  private readonly clusters = new Map<string, VirtualCluster>();
  private readonly byToken = new Map<string, string>();
  private readonly unixServers = new Map<string, { server: Server; path: string }>();
  private tlsServer: Server | undefined;
  private tlsPort = 0;

  constructor(private readonly identity: TlsIdentity) {}

  get port(): number {
    return this.tlsPort;
  }

  register(cluster: VirtualCluster, token: string): void {
    this.clusters.set(cluster.id, cluster);
    this.byToken.set(token, cluster.id);
  }

  async unregister(id: string): Promise<void> {
    for (const [token, cid] of this.byToken) if (cid === id) this.byToken.delete(token);
    this.clusters.delete(id);
    await this.closeUnix(id);
  }

  /** Starts the shared TLS listener on 127.0.0.1 and resolves to its port. */
  async listenTls(port: number): Promise<number> {
    const server = createHttpsServer({ key: this.identity.keyPem, cert: this.identity.certPem }, (req, res) => {
      const cluster = this.authenticate(req);
      if (!cluster) return sendStatus(res, UNAUTHORIZED());
      serve({ cluster, serverAddress: `127.0.0.1:${this.tlsPort}` }, req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const cluster = this.authenticate(req);
      if (!cluster) return rejectUpgrade(socket, UNAUTHORIZED());
      this.upgrade(cluster, req, socket, head);
    });
    this.configure(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.tlsServer = server;
    this.tlsPort = (server.address() as AddressInfo).port;
    return this.tlsPort;
  }

  /** Serves one cluster, unauthenticated, on a unix socket (the socket is the credential). */
  async listenUnix(clusterId: string, socketPath: string): Promise<void> {
    await this.closeUnix(clusterId);
    rmSync(socketPath, { force: true });
    const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const cluster = this.clusters.get(clusterId);
      if (!cluster) return sendStatus(res, UNAUTHORIZED());
      serve({ cluster, serverAddress: 'localhost' }, req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const cluster = this.clusters.get(clusterId);
      if (!cluster) return rejectUpgrade(socket, UNAUTHORIZED());
      this.upgrade(cluster, req, socket, head);
    });
    this.configure(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    // The toolbox container may run as any user; access is controlled by who gets the socket mounted.
    chmodSync(socketPath, 0o666);
    this.unixServers.set(clusterId, { server, path: socketPath });
  }

  async close(): Promise<void> {
    const servers = [...this.unixServers.keys()].map((id) => this.closeUnix(id));
    if (this.tlsServer) servers.push(closeServer(this.tlsServer));
    this.tlsServer = undefined;
    await Promise.all(servers);
  }

  private async closeUnix(id: string): Promise<void> {
    const entry = this.unixServers.get(id);
    if (!entry) return;
    this.unixServers.delete(id);
    await closeServer(entry.server);
    rmSync(entry.path, { force: true });
  }

  private configure(server: Server): void {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    server.requestTimeout = 0; // watches and log follows are long-lived
    server.on('clientError', (_err, socket) => socket.destroy());
  }

  private authenticate(req: IncomingMessage): VirtualCluster | undefined {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m?.[1]) return undefined;
    const id = this.byToken.get(m[1]);
    return id === undefined ? undefined : this.clusters.get(id);
  }

  private upgrade(cluster: VirtualCluster, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const wait = cluster.shares.admitRequest();
    if (wait !== undefined) return rejectUpgrade(socket, new StatusError(429, 'TooManyRequests', TOO_MANY_REQUESTS, { retryAfterSeconds: wait }), { 'Retry-After': String(wait) });
    let release: (() => void) | undefined;
    try {
      if (!isStreamUpgrade(req)) throw badRequest('Upgrade request required');
      const target = streamTarget(cluster, req);
      // One of the sandbox's streaming slots, held while the connection lives.
      release = cluster.shares.openStream(target.kind);
      socket.once('close', release);
      serveStreamUpgrade(req, socket, head, target);
    } catch (err) {
      release?.();
      rejectUpgrade(socket, err);
    }
  }
}

/** API Priority and Fairness' answer when a request is refused for rate (kube-apiserver's exact text). */
const TOO_MANY_REQUESTS = 'Too many requests, please try again later.';

/** Admits the request against the sandbox's rate share, then handles it. */
function serve(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): void {
  const wait = ctx.cluster.shares.admitRequest();
  if (wait === undefined) {
    void handleRequest(ctx, req, res);
    return;
  }
  // As the real server: plain text and Retry-After, which client-go honours by waiting and retrying.
  req.resume();
  res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Retry-After': String(wait) });
  res.end(`${TOO_MANY_REQUESTS}\n`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Answers an upgrade request with a plain HTTP Status reply and closes the connection. */
function rejectUpgrade(socket: Duplex, err: unknown, headers: Record<string, string> = {}): void {
  const e = err instanceof StatusError ? err : new StatusError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  const body = JSON.stringify(e.toStatus());
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' }[e.code] ?? 'Error';
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  if (!socket.destroyed)
    socket.end(`HTTP/1.1 ${e.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
}

/** A percent-decoded path segment; a malformed escape is the client's error, as Go's URL parser says. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in ${JSON.stringify(segment.slice(0, 100))}`);
  }
}

const STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;

/** Validates a streaming request the way the real API server does, and binds it to the node runtime. */
function streamTarget(cluster: VirtualCluster, req: IncomingMessage): StreamTarget {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const m = STREAM_PATH.exec(url.pathname);
  if (!m) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const [, ns, name, kind] = m as unknown as [string, string, string, 'exec' | 'attach' | 'portforward'];
  const pod = cluster.get('pods', decodeSegment(ns), decodeSegment(name)) as Pod;
  const q = url.searchParams;
  const runtime = cluster.nodeRuntime;
  if (kind === 'portforward') {
    const ports = q
      .getAll('ports')
      .flatMap((p) => p.split(','))
      .filter((p) => p.trim() !== '')
      .map((p) => {
        const n = Number(p);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw badRequest(`invalid port: ${p}`);
        return n;
      });
    if (!runtime) throw badRequest(`pod ${name} does not have a host assigned`);
    return { kind, ports, connect: (port: number) => runtime.portForward(pod, port) };
  }
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot ${kind} into a container in a completed pod; current phase is ${phase}`);
  const container = resolveContainer(pod, q.get('container') ?? undefined);
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const options: StreamOptions = { container, stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
  if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (kind === 'exec') {
    const command = q.getAll('command');
    if (command.length === 0) throw badRequest('you must specify at least 1 command');
    if (!runtime) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    return { kind, options, start: () => runtime.exec(pod, command, options) };
  }
  if (!runtime) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  return { kind, options, start: () => runtime.attach(pod, options) };
}
