// exec and attach over a WebSocket channel protocol (v5/v4, as kubectl 1.29+ speaks it):
// channel 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize. kubectl's pings are
// answered by the ws library itself; the session ends with the Status and close 1000.

import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamSession } from '../../node-contract.js';
import { type RemoteCommandTarget, ResizeRelay, pumpSession } from './session-pump.js';
import { type Status, statusForError } from './stream-status.js';
import { parseResizeMessage } from './terminal-size.js';
import { Channel, type ChannelProtocol, decodeChannelMessage, encodeChannelMessage, isBase64Protocol } from './websocket-channel-codec.js';
import { WebSocketChannelWriter } from './websocket-channel-writer.js';

export function serveRemoteCommandOverWebSocket(ws: WebSocket, protocol: ChannelProtocol, target: RemoteCommandTarget): void {
  const { options } = target;
  // Stdin that arrives before the session has started waits here (bounded: see pause below).
  const stdin = options.stdin ? new PassThrough({ highWaterMark: 64 << 10 }) : null;
  const resize = new ResizeRelay();
  let session: StreamSession | null = null;
  let closed = false;

  const send = (channel: number, payload: Buffer) => {
    ws.send(encodeChannelMessage(protocol, channel, payload), { binary: !isBase64Protocol(protocol) });
  };
  const finish = (status: Status) => {
    if (closed) return;
    send(Channel.error, Buffer.from(JSON.stringify(status)));
    ws.close(1000);
  };

  ws.on('error', () => {
    // 'close' follows and tears the session down.
  });
  ws.on('close', () => {
    closed = true;
    stdin?.destroy();
    session?.close();
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let message;
    try {
      message = decodeChannelMessage(protocol, data, isBinary);
    } catch {
      ws.close(1002, 'invalid channel message');
      return;
    }
    if (!message) return;
    if (message.kind === 'close') {
      if (message.channel === Channel.stdin) stdin?.end();
      return;
    }
    if (message.channel === Channel.stdin) {
      if (!stdin || stdin.writableEnded) return;
      if (!stdin.write(message.payload)) {
        ws.pause();
        stdin.once('drain', () => ws.resume());
      }
    } else if (message.channel === Channel.resize) {
      const size = parseResizeMessage(message.payload.toString('utf8'));
      if (size) resize.resize(size);
    }
  });

  const run = async () => {
    try {
      session = await target.start();
    } catch (error) {
      finish(statusForError(error));
      return;
    }
    if (closed) {
      session.close();
      return;
    }
    resize.attach(session);
    const status = await pumpSession(target.kind, session, {
      stdin,
      stdout: options.stdout ? new WebSocketChannelWriter(ws, protocol, Channel.stdout) : null,
      stderr: options.stderr && !options.tty ? new WebSocketChannelWriter(ws, protocol, Channel.stderr) : null,
    });
    finish(status);
  };
  run().catch(() => ws.terminate());
}
