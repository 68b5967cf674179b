// The runner's HTTP listener: authentication of /v1, JSON in and out, one error mapping,
// one log line per request, WebSocket upgrades handed to the shell gateway, and a graceful
// stop (stop accepting, let in-flight requests finish within the drain window, close).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { asRunnerError, RunnerError } from '../errors.js';
import type { Logger } from '../log.js';
import { bearerAuthorized } from './auth.js';
import { readJsonBody } from './json-body.js';
import { compileRoute, matchRoute, type CompiledRoute, type Reply, type Route } from './routes.js';

export interface UpgradeHandler {
  /** Handles an HTTP upgrade on `path`; answers and destroys the socket itself on refusal. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every open WebSocket (server going away). */
  close(): Promise<void>;
}

export interface RunnerServerOptions {
  host: string;
  port: number;
  token: string;
  routes: Route[];
  logger: Logger;
  upgrades?: { pathPrefix: string; handler: UpgradeHandler };
  /** How long stop() lets in-flight requests run before closing their connections. */
  drainMs: number;
  bodyLimitBytes?: number;
  /** Serves requests addressed to other hosts than the runner's own (web previews); false: not its host. */
  hosts?: { owns(req: IncomingMessage): boolean; serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> };
  /** Called once per request when its answer is decided (metrics). */
  onRequest?: (method: string, status: number) => void;
}

type ServerState = 'new' | 'running' | 'closing' | 'closed';

export class RunnerServer {
  private readonly server: Server;
  private readonly routes: CompiledRoute[];
  private readonly openStreams = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private state: ServerState = 'new';
  private stopping: Promise<void> | undefined;
  private boundPort = 0;

  constructor(private readonly options: RunnerServerOptions) {
    this.routes = options.routes.map(compileRoute);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`RunnerServer cannot start from state ${this.state}`);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
    this.state = 'running';
    this.options.logger.info('http_listening', { host: this.options.host, port: this.boundPort });
  }

  /** Stops accepting, drains in-flight requests (up to drainMs), closes streams and sockets. Safe twice. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const end of [...this.openStreams]) end();
    await this.options.upgrades?.handler.close();
    const timer = setTimeout(() => {
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    }, this.options.drainMs);
    await closed;
    clearTimeout(timer);
    this.state = 'closed';
    this.options.logger.info('http_stopped');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const upgrades = this.options.upgrades;
    const pathname = new URL(req.url ?? '/', 'http://runner').pathname;
    // Upgrades are the runner's own (shells): never on another host's behalf (a preview page).
    if (this.state !== 'running' || !upgrades || !pathname.startsWith(upgrades.pathPrefix) || this.options.hosts?.owns(req)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    upgrades.handler.handleUpgrade(req, socket, head);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://runner');
    let status = 500;
    let code: string | undefined;
    try {
      if (this.state !== 'running') throw new RunnerError('shutting_down', 'the runner is shutting down');
      if (await this.options.hosts?.serve(req, res)) {
        status = res.statusCode;
        return;
      }
      const authorized = () => bearerAuthorized(req.headers.authorization, this.options.token);
      // Everything under /v1 needs the token before routing, so routes cannot be probed without it.
      if ((url.pathname === '/v1' || url.pathname.startsWith('/v1/')) && !authorized()) {
        throw new RunnerError('unauthorized', 'a valid bearer token is required');
      }
      const { route, params } = matchRoute(this.routes, req.method ?? 'GET', url.pathname);
      if (route.auth && !authorized()) throw new RunnerError('unauthorized', 'a valid bearer token is required');
      const log = this.options.logger.child({ method: req.method, path: url.pathname });
      const reply = await route.handler({
        req,
        res,
        url,
        params,
        log,
        body: async (schema) => {
          const raw = await readJsonBody(req, this.options.bodyLimitBytes ?? 1024 * 1024);
          const parsed = schema.safeParse(raw ?? {});
          if (!parsed.success) {
            throw new RunnerError(
              'validation_failed',
              parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
              { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
            );
          }
          return parsed.data;
        },
        holdOpen: (onClose) => {
          const end = () => {
            if (!this.openStreams.delete(end)) return;
            onClose();
            if (!res.writableEnded) res.end();
          };
          this.openStreams.add(end);
          res.once('close', end);
        },
      });
      status = 'handled' in reply ? res.statusCode : reply.status;
      this.send(res, reply);
    } catch (error) {
      const failure = asRunnerError(error);
      status = failure.status;
      code = failure.code;
      if (failure.code === 'internal') this.options.logger.error('http_handler_failed', { path: url.pathname, error: failure.cause ?? failure });
      if (!res.headersSent) {
        const body = JSON.stringify(failure.toBody());
        const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) };
        if (failure.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
        if (failure.code === 'shutting_down' || failure.code === 'payload_too_large') headers.connection = 'close';
        res.writeHead(failure.status, headers).end(body);
      } else if (!res.writableEnded) {
        res.destroy();
      }
    } finally {
      this.options.onRequest?.(req.method ?? 'GET', status);
      this.options.logger.info('http_request', {
        method: req.method,
        path: url.pathname,
        status,
        ...(code ? { code } : {}),
        ms: Math.round(performance.now() - started),
      });
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    if ('handled' in reply) return;
    // A draining server must not keep the connection for another request.
    if (this.state !== 'running') res.setHeader('connection', 'close');
    if ('json' in reply) {
      const body = reply.status === 204 ? '' : JSON.stringify(reply.json);
      res.writeHead(reply.status, {
        ...(body ? { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } : {}),
        'cache-control': 'no-store',
        ...reply.headers,
      });
      res.end(body);
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.text) });
    res.end(reply.text);
  }
}
