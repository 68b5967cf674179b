// Dead-peer detection for long sessions: ping the client every interval and drop the
// connection when a whole interval passes without any answer. While we are not reading from
// the client ourselves (back-pressure), no answer could arrive, so that time does not count.

import type { WebSocket } from 'ws';

export const HEARTBEAT_INTERVAL_MS = 30_000;

export class Heartbeat {
  private answered = true;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private verdict: NodeJS.Immediate | undefined;

  constructor(
    private readonly ping: () => void,
    private readonly onDead: () => void,
    private readonly isReading: () => boolean,
    intervalMs = HEARTBEAT_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Anything heard from the peer proves it alive. */
  answer(): void {
    this.answered = true;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.verdict) clearImmediate(this.verdict);
    this.verdict = undefined;
  }

  private tick(): void {
    if (!this.isReading()) {
      this.answered = true;
      return;
    }
    if (this.answered) {
      this.answered = false;
      this.ping();
      return;
    }
    // After a stall (a busy machine, a long GC) the event loop runs this due timer before it
    // reads the sockets, where an answer that came in time may be waiting: judge only after
    // the I/O already received has been read (setImmediate runs after the loop's poll phase).
    this.verdict ??= setImmediate(() => {
      this.verdict = undefined;
      if (this.stopped) return;
      if (this.answered) {
        this.answered = false;
        this.ping();
        return;
      }
      this.stop();
      this.onDead();
    });
  }
}

/** Terminates `ws` when its peer stops answering pings (every WebSocket peer must pong). */
export function watchWebSocketPeer(ws: WebSocket, intervalMs = HEARTBEAT_INTERVAL_MS): void {
  const heartbeat = new Heartbeat(
    () => ws.ping(),
    () => ws.terminate(),
    () => !ws.isPaused,
    intervalMs,
  );
  const answer = () => heartbeat.answer();
  ws.on('pong', answer);
  ws.on('ping', answer);
  ws.on('message', answer);
  ws.once('close', () => heartbeat.stop());
}
