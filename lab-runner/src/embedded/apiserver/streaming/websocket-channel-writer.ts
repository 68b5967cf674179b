// A Writable for one outgoing channel of a WebSocket channel protocol. Writes complete at
// once while the socket's send buffer is small and wait for the send otherwise, so a
// producer piped into it (a process's stdout) pauses when the client cannot keep up.

import { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import { type ChannelProtocol, encodeChannelMessage, isBase64Protocol } from './websocket-channel-codec.js';

/** Bytes queued in the WebSocket before writers wait for the socket to drain. */
const SEND_HIGH_WATER_MARK = 256 << 10;
/** Largest payload per message; kubectl's own reads are 32 KiB. */
const MAX_MESSAGE_PAYLOAD = 32 << 10;

export class WebSocketChannelWriter extends Writable {
  constructor(
    private readonly ws: WebSocket,
    private readonly protocol: ChannelProtocol,
    private readonly channel: number,
  ) {
    super({ highWaterMark: 64 << 10 });
    this.on('error', () => {
      // The pipe into this writer stops on it; the session is closed through the WebSocket's 'close'.
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      // Failing (not discarding) stops the producer instead of spinning on it.
      callback(new Error('the WebSocket is closed'));
      return;
    }
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        callback();
      }
    };
    for (let offset = 0; offset < chunk.length; offset += MAX_MESSAGE_PAYLOAD) {
      const payload = chunk.subarray(offset, offset + MAX_MESSAGE_PAYLOAD);
      const last = offset + MAX_MESSAGE_PAYLOAD >= chunk.length;
      this.ws.send(encodeChannelMessage(this.protocol, this.channel, payload), { binary: !isBase64Protocol(this.protocol) }, last ? settle : undefined);
    }
    if (this.ws.bufferedAmount < SEND_HIGH_WATER_MARK) settle();
  }
}
