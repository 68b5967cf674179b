// Dead-peer detection for long sessions: ping the client every interval and drop the
// connection when a whole interval passes without any answer. While we are not reading from
// the client ourselves (back-pressure), no answer could arrive, so that time does not count.

import type { WebSocket } from 'ws';

export const HEARTBEAT_INTERVAL_MS = 30_000;

export class Heartbeat {
  private answered = true;
  private readonly timer: NodeJS.Timeout;

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
    clearInterval(this.timer);
  }

  private tick(): void {
    if (!this.isReading()) {
      this.answered = true;
      return;
    }
    if (!this.answered) {
      this.stop();
      this.onDead();
      return;
    }
    this.answered = false;
    this.ping();
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
