// A minimal SPDY/3.1 client for tests that need to see or misbehave on the wire itself
// (pings, back-pressure, oversized frames): upgrades with a POST, opens streams, records
// every frame the server sends.

import http from 'node:http';
import type { Socket } from 'node:net';
import { HeaderCompressor, HeaderDecompressor } from '../spdy-header-compression.js';
import { type SpdyFrame, SpdyFrameParser, type SpdyHeaders, encodeDataFrame, encodePing, encodeSynStream } from '../spdy-frames.js';

export interface ReceivedFrame {
  frame: SpdyFrame;
  headers?: SpdyHeaders;
}

export class SpdyTestClient {
  readonly frames: ReceivedFrame[] = [];
  private readonly parser = new SpdyFrameParser({ maxDataBytes: 16 << 20, maxControlBytes: 1 << 20 });
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private nextStreamId = 1;
  private queue: Promise<void> = Promise.resolve();
  private listeners: (() => void)[] = [];
  closed = false;
  /** Echo the server's PINGs (even ids) as soon as they arrive, as spdystream does. */
  answerPings = false;

  private constructor(
    readonly socket: Socket,
    readonly response: http.IncomingMessage,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.parser.push(chunk);
      // Header blocks decode asynchronously: keep frames in order through one queue.
      this.queue = this.queue.then(() => this.drain());
    });
    socket.on('close', () => {
      // Frames already received still decode first.
      void this.queue.then(() => {
        this.closed = true;
        this.notify();
      });
    });
    socket.on('error', () => {});
  }

  static connect(url: string, path: string, protocols: string[]): Promise<SpdyTestClient> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${url}${path}`, {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
      });
      request.on('upgrade', (response, socket, upgradeHead) => {
        const client = new SpdyTestClient(socket, response);
        if (upgradeHead.length > 0) socket.unshift(upgradeHead);
        resolve(client);
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => reject(Object.assign(new Error(`no upgrade: ${response.statusCode} ${body}`), { statusCode: response.statusCode, body })));
      });
      request.on('error', reject);
      request.end();
    });
  }

  private async drain(): Promise<void> {
    for (let frame = this.parser.next(); frame; frame = this.parser.next()) {
      const received: ReceivedFrame = { frame };
      if (frame.type === 'syn_reply' || frame.type === 'syn_stream' || frame.type === 'headers') {
        received.headers = await this.decompressor.decompress(frame.headerBlock);
      }
      if (this.answerPings && frame.type === 'ping' && frame.id % 2 === 0) this.socket.write(encodePing(frame.id));
      this.frames.push(received);
      this.notify();
    }
  }

  private notify(): void {
    for (const listener of this.listeners.splice(0)) listener();
  }

  /** Resolves with the first received frame matching `predicate` (waiting for it if needed). */
  async waitFor(predicate: (frame: SpdyFrame) => boolean, timeoutMs = 10_000): Promise<SpdyFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((received) => predicate(received.frame));
      if (found) return found.frame;
      if (this.closed) throw new Error('connection closed before the expected frame');
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        this.listeners.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** All DATA bytes received on `streamId`, once the stream got FIN. */
  async streamData(streamId: number): Promise<Buffer> {
    await this.waitFor((frame) => frame.type === 'data' && frame.streamId === streamId && (frame.flags & 1) === 1);
    return Buffer.concat(this.frames.flatMap(({ frame }) => (frame.type === 'data' && frame.streamId === streamId ? [frame.data] : [])));
  }

  async openStream(headers: Record<string, string>): Promise<number> {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const block = await this.compressor.compress(new Map(Object.entries(headers).map(([name, value]) => [name, [value]])));
    this.socket.write(encodeSynStream(id, block));
    return id;
  }

  sendData(streamId: number, data: Buffer, fin = false): void {
    this.socket.write(encodeDataFrame(streamId, data, fin));
  }

  ping(id: number): void {
    this.socket.write(encodePing(id));
  }

  close(): void {
    this.compressor.close();
    this.decompressor.close();
    this.socket.destroy();
  }
}
