// Port forwarding over a WebSocket channel protocol, as client libraries (e.g.
// @kubernetes/client-node) use it: the ports come from the query; port i uses channel 2i for
// data and 2i+1 for errors; the first message on each channel is the port number (uint16
// little endian). The connection closes once every forwarded port is done (its Pod side ended).

import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { messageForError } from './stream-status.js';
import { type ChannelProtocol, decodeChannelMessage, encodeChannelMessage, isBase64Protocol } from './websocket-channel-codec.js';
import { WebSocketChannelWriter } from './websocket-channel-writer.js';

export function servePortForwardOverWebSocketChannels(
  ws: WebSocket,
  protocol: ChannelProtocol,
  ports: number[],
  connect: (port: number) => Promise<Duplex>,
): void {
  const inputs = ports.map(() => new PassThrough({ highWaterMark: 64 << 10 }));
  const targets = new Set<Duplex>();
  let remaining = ports.length;
  let closed = false;

  const send = (channel: number, payload: Buffer) => {
    if (!closed) ws.send(encodeChannelMessage(protocol, channel, payload), { binary: !isBase64Protocol(protocol) });
  };
  const portDone = () => {
    remaining -= 1;
    if (remaining === 0 && !closed) ws.close(1000);
  };

  ws.on('error', () => {});
  ws.on('close', () => {
    closed = true;
    for (const input of inputs) input.destroy();
    for (const target of targets) target.destroy();
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let message;
    try {
      message = decodeChannelMessage(protocol, data, isBinary);
    } catch {
      ws.close(1002, 'invalid channel message');
      return;
    }
    if (!message || message.channel % 2 === 1) return;
    const input = inputs[message.channel / 2];
    if (!input || input.writableEnded) return;
    if (message.kind === 'close') {
      input.end();
    } else if (!input.write(message.payload)) {
      ws.pause();
      input.once('drain', () => ws.resume());
    }
  });

  ports.forEach((port, index) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(index * 2, portBytes);
    send(index * 2 + 1, portBytes);
    const input = inputs[index]!;
    connect(port).then(
      (target) => {
        if (closed) {
          target.destroy();
          return;
        }
        targets.add(target);
        target.on('error', (error) => send(index * 2 + 1, Buffer.from(`error forwarding port ${port} to pod: ${error.message}`)));
        input.pipe(target);
        const output = new WebSocketChannelWriter(ws, protocol, index * 2);
        target.pipe(output);
        // The Pod side ending its stream ends the port, once what it sent is on the wire: a
        // client of this protocol has no way to half-close, so 'close' alone would wait forever.
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          targets.delete(target);
          portDone();
        };
        output.once('finish', finish);
        target.once('close', finish);
      },
      (error: unknown) => {
        send(index * 2 + 1, Buffer.from(`error forwarding port ${port} to pod: ${messageForError(error)}`));
        input.resume();
        portDone();
      },
    );
  });
}
