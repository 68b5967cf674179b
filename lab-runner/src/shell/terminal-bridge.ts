// One browser connection to a terminal: a WebSocket joined to a TTY session in the toolbox.
// Binary frames carry terminal bytes both ways; text frames carry JSON control messages
// (resize, ping) from the browser and live check results to it. Output is paused while the
// socket's send buffer is full, so a flood (`yes`) is held back by the engine, not buffered
// here. The session outlives the bridge (TerminalSessions keeps it for a re-attach).

import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { TerminalSession } from '../providers/provider.js';

const ControlMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resize'), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(500) }),
  z.object({ type: z.literal('ping') }),
]);

/** How often one size is tried when the engine refuses it. */
const MAX_RESIZE_ATTEMPTS = 3;

export interface TerminalBridgeOptions {
  ws: WebSocket;
  session: TerminalSession;
  logger: Logger;
  /** Called on learner input (throttled by the caller). */
  onActivity: () => void;
  highWaterBytes?: number;
  lowWaterBytes?: number;
  /** Resizes are applied at most this often; the latest size wins. */
  resizeIntervalMs?: number;
}

export class TerminalBridge {
  private paused = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private resizeTimer: NodeJS.Timeout | undefined;
  private resizeBusy = false;
  private pendingSize: { cols: number; rows: number } | undefined;
  private appliedSize = '';
  private resizeFailures = 0;
  private closed = false;
  private readonly onData = (chunk: Buffer) => this.output(chunk);
  readonly done: Promise<void>;

  constructor(private readonly options: TerminalBridgeOptions) {
    const { ws, session } = options;
    session.output.on('data', this.onData);
    ws.on('message', (data, isBinary) => this.input(data as Buffer, isBinary));
    this.done = new Promise((resolve) => {
      ws.once('close', () => {
        this.close();
        resolve();
      });
      void session.ended.then(() => {
        if (ws.readyState === ws.OPEN) ws.close(1000, 'shell exited');
        resolve();
      });
    });
  }

  /** Sends a JSON control message to the browser (a text frame). */
  sendControl(message: unknown): void {
    if (this.options.ws.readyState === this.options.ws.OPEN) this.options.ws.send(JSON.stringify(message));
  }

  private output(chunk: Buffer): void {
    const { ws } = this.options;
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true });
    if (ws.bufferedAmount > (this.options.highWaterBytes ?? 256 * 1024)) this.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.options.session.output.pause();
    this.drainTimer = setInterval(() => {
      const { ws } = this.options;
      if (ws.readyState !== ws.OPEN || ws.bufferedAmount <= (this.options.lowWaterBytes ?? 64 * 1024)) {
        clearInterval(this.drainTimer);
        this.paused = false;
        if (!this.closed) this.options.session.output.resume();
      }
    }, 10);
  }

  private input(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.options.session.write(data);
      this.options.onActivity();
      return;
    }
    let parsed: z.infer<typeof ControlMessageSchema>;
    try {
      const result = ControlMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
      if (!result.success) throw new Error(result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '));
      parsed = result.data;
    } catch (error) {
      this.sendControl({ type: 'error', code: 'bad_message', message: `ignored a control message: ${(error as Error).message}` });
      return;
    }
    if (parsed.type === 'ping') this.sendControl({ type: 'pong' });
    else this.resize(parsed.cols, parsed.rows);
  }

  /**
   * Applies the latest requested size: one resize at a time, at most one per interval, so a
   * burst collapses to its last value and resizes never reach the engine out of order.
   */
  private resize(cols: number, rows: number): void {
    this.pendingSize = { cols, rows };
    this.pumpResize();
  }

  private pumpResize(): void {
    const size = this.pendingSize;
    if (this.resizeBusy || !size || this.closed) return;
    this.pendingSize = undefined;
    const key = `${size.cols}x${size.rows}`;
    if (key === this.appliedSize) return;
    this.resizeBusy = true;
    this.appliedSize = key;
    this.options.session
      .resize(size.cols, size.rows)
      .then(() => (this.resizeFailures = 0))
      .catch((error: unknown) => {
        // Not applied: the same size asked again must go to the engine, and without a newer
        // one this size is tried again (a busy engine answering one call with an error must
        // not leave the TTY at its old size until the browser happens to resize once more).
        this.appliedSize = '';
        this.resizeFailures += 1;
        this.options.logger.warn('shell_resize_failed', { error, attempt: this.resizeFailures });
        if (!this.pendingSize && this.resizeFailures < MAX_RESIZE_ATTEMPTS) this.pendingSize = size;
      })
      .finally(() => {
        this.resizeTimer = setTimeout(() => {
          this.resizeBusy = false;
          this.pumpResize();
        }, this.options.resizeIntervalMs ?? 100);
      });
  }

  /** Stops forwarding; the session itself is left to its owner. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.drainTimer);
    clearTimeout(this.resizeTimer);
    this.options.session.output.off('data', this.onData);
    if (this.paused) this.options.session.output.resume();
  }
}
