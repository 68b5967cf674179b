// The bridge's flow control and resize coalescing, with a WebSocket and a TTY session whose
// buffer levels and calls the test controls (the kernel's socket buffers make a real pair
// too slow to fill in a unit test).

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { silentLogger } from '../log.js';
import type { TerminalSession } from '../providers/provider.js';
import { TerminalBridge } from './terminal-bridge.js';

class SocketDouble extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: (Buffer | string)[] = [];
  send(data: Buffer | string): void {
    this.sent.push(data);
    if (Buffer.isBuffer(data)) this.bufferedAmount += data.length;
  }
  close(): void {
    this.readyState = 3;
    this.emit('close', 1000);
  }
}

function sessionDouble() {
  const output = new PassThrough();
  const resizes: string[] = [];
  let release: () => void = () => undefined;
  const session: TerminalSession = {
    output,
    write: () => undefined,
    resize: (cols, rows) => {
      resizes.push(`${cols}x${rows}`);
      return new Promise((resolve) => setTimeout(resolve, 30));
    },
    close: () => release(),
    ended: new Promise((resolve) => (release = resolve)),
  };
  return { session, output, resizes };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TerminalBridge', () => {
  it('pauses the TTY output above the high-water mark and resumes below the low-water mark', async () => {
    const ws = new SocketDouble();
    const { session, output } = sessionDouble();
    new TerminalBridge({ ws: ws as unknown as WebSocket, session, logger: silentLogger, onActivity: () => undefined, highWaterBytes: 1000, lowWaterBytes: 100 });
    output.write(Buffer.alloc(600));
    output.write(Buffer.alloc(600));
    await tick(5);
    expect(output.isPaused()).toBe(true);
    output.write(Buffer.alloc(600));
    await tick(30);
    expect(ws.bufferedAmount).toBe(1200);
    ws.bufferedAmount = 50;
    await tick(30);
    expect(output.isPaused()).toBe(false);
    expect(ws.bufferedAmount).toBe(650);
  });

  it('applies a burst of resizes one at a time and ends on the last size', async () => {
    // Fake timers: the order of engine calls and gaps is the point, not how soon a busy worker
    // gets to them (one 250 ms stall inside a real 200 ms wait left the last resize unapplied).
    vi.useFakeTimers();
    try {
      const ws = new SocketDouble();
      const { session, resizes } = sessionDouble();
      new TerminalBridge({ ws: ws as unknown as WebSocket, session, logger: silentLogger, onActivity: () => undefined, resizeIntervalMs: 20 });
      for (let i = 0; i < 500; i++) ws.emit('message', Buffer.from(JSON.stringify({ type: 'resize', cols: 10 + i, rows: 5 })), false);
      // First call (30 ms), the 20 ms gap, the last size (30 ms), and well beyond: nothing else follows.
      await vi.advanceTimersByTimeAsync(200);
      expect(resizes).toEqual(['10x5', '509x5']);
      ws.emit('message', Buffer.from('{"type":"resize","cols":-1,"rows":2}'), false);
      expect(JSON.parse(ws.sent.at(-1) as string)).toMatchObject({ type: 'error', code: 'bad_message' });
    } finally {
      vi.useRealTimers();
    }
  });
});
