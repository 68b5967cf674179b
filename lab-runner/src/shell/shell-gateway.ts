// The shell WebSocket endpoint, `/v1/sandboxes/:id/shell?ticket=...`. Authentication happens
// at the HTTP upgrade: the Origin must be configured (when a browser sends one) and the
// ticket must be fresh, unused and for this sandbox; otherwise the socket gets an HTTP error
// and is destroyed. Several terminals may be open on one sandbox; each is its own TTY.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { RunnerError, STATUS_BY_CODE, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { RunnerMetrics } from '../metrics.js';
import type { LiveChecks } from '../checks/live-checks.js';
import type { SandboxService } from '../sandboxes/sandbox-service.js';
import type { SandboxView } from '../sandboxes/sandbox.js';
import { decodePathSegment } from '../server/routes.js';
import type { UpgradeHandler } from '../server/runner-server.js';
import type { Tickets, ShellGrant } from '../server/tickets.js';
import type { Scrollbacks } from './scrollback.js';
import { TerminalBridge } from './terminal-bridge.js';
import { TerminalSessions } from './terminal-sessions.js';

const PATH = /^\/v1\/sandboxes\/([^/]+)\/shell$/;
const SizeQuery = z.object({
  cols: z.coerce.number().int().min(1).max(1000).default(80),
  rows: z.coerce.number().int().min(1).max(500).default(24),
});
const ACTIVITY_THROTTLE_MS = 5000;

export interface ShellGatewayOptions {
  sandboxes: SandboxService;
  tickets: Tickets<ShellGrant>;
  scrollbacks: Scrollbacks;
  liveChecks: LiveChecks | undefined;
  allowedOrigins: readonly string[];
  logger: Logger;
  metrics: RunnerMetrics;
  maxPayloadBytes?: number;
  heartbeatMs?: number;
  /** How long a shell nobody is attached to keeps running for its browser to come back. */
  shellGraceMs?: number;
}

/** Close code for a connection whose terminal was opened elsewhere (another tab took it over). */
const TAKEN_OVER = 4409;

export class ShellGateway implements UpgradeHandler {
  private readonly wss: WebSocketServer;
  private readonly bridges = new Set<TerminalBridge>();
  private readonly sockets = new Set<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly sessions: TerminalSessions;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ShellGatewayOptions) {
    this.sessions = new TerminalSessions(options.shellGraceMs ?? 120_000);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 64 * 1024, perMessageDeflate: false });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let admitted: { sandboxId: string; terminal: string; size: { cols: number; rows: number } };
    try {
      admitted = this.admit(req);
    } catch (error) {
      const failure = error instanceof RunnerError ? error : new RunnerError('internal', 'internal error');
      this.options.logger.info('shell_refused', { code: failure.code });
      refuse(socket, failure.code, failure.message);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, admitted.sandboxId, admitted.terminal, admitted.size));
  }

  /** Closes every terminal with 1001 (going away). Safe twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      const closed = [...this.bridges].map((b) => b.done);
      for (const ws of this.sockets) ws.close(1001, 'runner shutting down');
      const timer = setTimeout(() => {
        for (const ws of this.sockets) ws.terminate();
      }, 2000);
      await Promise.all(closed);
      clearTimeout(timer);
      this.sessions.closeAll();
      this.wss.close();
    })();
    return this.closing;
  }

  /** Closes the terminals of a sandbox that was deleted. */
  /** Tells the sandbox's terminals why it ended (the page says so), then closes them. */
  closeSandbox(sandbox: SandboxView): void {
    for (const ws of this.sockets) {
      if ((ws as WebSocket & { sandboxId?: string }).sandboxId !== sandbox.id) continue;
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(sandboxControl(sandbox)));
      ws.close(4404, 'sandbox deleted');
    }
    this.sessions.closeSandbox(sandbox.id);
  }

  get openTerminals(): number {
    return this.bridges.size;
  }

  /** Shells running, attached or waiting for their browser to come back. */
  get liveShells(): number {
    return this.sessions.size;
  }

  /** Output queued on all shell sockets right now. */
  get bufferedBytes(): number {
    let total = 0;
    for (const ws of this.sockets) total += ws.bufferedAmount;
    return total;
  }

  private admit(req: IncomingMessage): { sandboxId: string; terminal: string; size: { cols: number; rows: number } } {
    if (this.closing) throw new RunnerError('shutting_down', 'the runner is shutting down');
    const url = new URL(req.url ?? '/', 'http://runner');
    const match = PATH.exec(url.pathname);
    if (!match) throw new RunnerError('not_found', 'no such WebSocket endpoint');
    // Browsers always send Origin; a page from an unlisted origin must not ride a leaked ticket.
    const origin = req.headers.origin;
    if (origin !== undefined && !this.options.allowedOrigins.includes(origin)) {
      throw new RunnerError('forbidden', `origin ${origin} is not allowed`);
    }
    const sandboxId = decodePathSegment(match[1] ?? '');
    const ticket = url.searchParams.get('ticket');
    if (!ticket) throw new RunnerError('unauthorized', 'a shell ticket is required');
    const redemption = this.options.tickets.redeem(ticket);
    if (!redemption.ok) throw new RunnerError('unauthorized', redemption.reason === 'expired' ? 'the shell ticket has expired' : 'the shell ticket is unknown or was already used');
    if (redemption.grant.sandboxId !== sandboxId) throw new RunnerError('unauthorized', 'the shell ticket is for another sandbox');
    this.options.sandboxes.ready(sandboxId);
    const size = SizeQuery.safeParse({ cols: url.searchParams.get('cols') ?? undefined, rows: url.searchParams.get('rows') ?? undefined });
    if (!size.success) throw new RunnerError('validation_failed', 'cols and rows must be whole numbers within 1..1000 and 1..500');
    return { sandboxId, terminal: redemption.grant.terminal, size: size.data };
  }

  private async open(ws: WebSocket, sandboxId: string, terminal: string, size: { cols: number; rows: number }): Promise<void> {
    const { metrics, sandboxes, logger } = this.options;
    const log = logger.child({ sandbox: sandboxId, terminal });
    (ws as WebSocket & { sandboxId?: string }).sandboxId = sandboxId;
    this.sockets.add(ws);
    this.alive.add(ws);
    metrics.openShells.inc();
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', (error) => log.warn('shell_socket_error', { error }));
    // Input that arrives before the TTY exists is kept and replayed.
    const early: { data: Buffer; isBinary: boolean }[] = [];
    const collect = (data: Buffer, isBinary: boolean) => early.push({ data, isBinary });
    ws.on('message', collect);
    let closedEarly = false;
    ws.once('close', () => {
      closedEarly = true;
      this.sockets.delete(ws);
      metrics.openShells.dec();
    });
    const scrollback = this.options.scrollbacks.for(sandboxId, terminal);
    const previous = scrollback.snapshot();
    // The same terminal again (a reload, a dropped connection): the same shell, its last
    // screen replayed. Another tab holding it is told to let go.
    const detach = () => ws.close(TAKEN_OVER, 'this terminal was opened in another tab');
    let session = this.sessions.attach(sandboxId, terminal, detach);
    if (session) {
      if (previous.length > 0) ws.send(previous, { binary: true });
      log.info('shell_reattached');
    } else {
      if (previous.length > 0) {
        ws.send(previous, { binary: true });
        ws.send(Buffer.from('\r\n\x1b[2m--- reconnected: a new shell ---\x1b[0m\r\n'), { binary: true });
      }
      try {
        session = await sandboxes.provider.shell(sandboxId, size);
      } catch (error) {
        metrics.engineErrors.inc({ operation: 'shell' });
        log.error('shell_open_failed', { error });
        ws.close(1011, 'the shell could not be opened');
        return;
      }
      if (closedEarly) {
        session.close();
        return;
      }
      this.sessions.add(sandboxId, terminal, session, scrollback, detach);
    }
    if (closedEarly) {
      this.sessions.release(sandboxId, terminal, detach);
      return;
    }
    let lastActivity = 0;
    const bridge = new TerminalBridge({
      ws,
      session,
      logger: log,
      onActivity: () => {
        if (Date.now() - lastActivity < ACTIVITY_THROTTLE_MS) return;
        lastActivity = Date.now();
        sandboxes.touch(sandboxId);
      },
    });
    this.bridges.add(bridge);
    ws.off('message', collect);
    for (const { data, isBinary } of early) ws.emit('message', data, isBinary);
    const unsubscribe = this.options.liveChecks?.subscribe(sandboxId, (run) => bridge.sendControl({ type: 'checks', run }));
    // The page's countdown follows the runner's deadline: the current one now, and each time
    // activity (in any terminal, or a Check) or an extend moves it.
    bridge.sendControl(sandboxControl(sandboxes.get(sandboxId)));
    const unwatch = sandboxes.subscribe((event) => {
      if (event.type === 'changed' && event.sandbox.id === sandboxId) bridge.sendControl(sandboxControl(event.sandbox));
    });
    log.info('shell_opened');
    await bridge.done;
    this.sessions.release(sandboxId, terminal, detach);
    unwatch();
    unsubscribe?.();
    this.bridges.delete(bridge);
    log.info('shell_closed');
  }

  private beat(): void {
    for (const ws of this.sockets) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

/** The control message that carries the sandbox's state and deadlines to the page. */
function sandboxControl(sandbox: SandboxView) {
  const { state, expiresAt, idleExpiresAt, maxExpiresAt, endReason } = sandbox;
  return { type: 'sandbox', sandbox: { state, expiresAt, idleExpiresAt, maxExpiresAt, ...(endReason ? { endReason } : {}) } };
}

const REASONS: Partial<Record<number, string>> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 400: 'Bad Request', 503: 'Service Unavailable' };

function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  const status = STATUS_BY_CODE[code];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
