// Port forwarding over SPDY (portforward.k8s.io, as a kubelet serves it). For every local
// connection kubectl opens a pair of streams sharing a `requestID` header: `streamtype: error`
// then `streamtype: data`, each with a `port` header. Bytes on the data stream go to the pod's
// port and back; a failure is written as text on the error stream. kubectl waits for the
// error stream's FIN after the data stream ends, so both always get one.

import type { Duplex } from 'node:stream';
import { SpdyConnection, type SpdyStream } from './spdy-connection.js';
import { messageForError } from './stream-status.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** How long the second stream of a pair may take to arrive. */
const PAIR_TIMEOUT_MS = 30_000;

interface StreamPair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

function parsePort(value: string | undefined): number | null {
  if (!value || !/^\d{1,5}$/.test(value)) return null;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : null;
}

export function servePortForwardOverSpdy(transport: Duplex, head: Buffer, connect: (port: number) => Promise<Duplex>): void {
  const pairs = new Map<string, StreamPair>();
  const forwards = new Set<Duplex>();

  const forward = async (errorStream: SpdyStream, dataStream: SpdyStream): Promise<void> => {
    errorStream.resume(); // the client never writes on it
    const portText = dataStream.header('port');
    const port = parsePort(portText);
    if (port === null) {
      errorStream.end(`invalid port ${JSON.stringify(portText ?? '')}`);
      dataStream.end();
      return;
    }
    let target: Duplex;
    try {
      target = await connect(port);
    } catch (error) {
      errorStream.end(`error forwarding port ${port} to pod: ${messageForError(error)}`);
      dataStream.end();
      return;
    }
    if (dataStream.destroyed) {
      target.destroy();
      errorStream.end();
      return;
    }
    forwards.add(target);
    let failure: string | null = null;
    target.on('error', (error) => {
      failure ??= error.message;
    });
    dataStream.pipe(target); // client FIN half-closes the pod side
    target.pipe(dataStream); // pod side ends -> FIN to the client
    const done = () => {
      forwards.delete(target);
      if (!errorStream.writableEnded) errorStream.end(failure ? `error forwarding port ${port} to pod: ${failure}` : undefined);
      if (!dataStream.writableEnded && !dataStream.destroyed) dataStream.end();
    };
    target.once('close', done);
    dataStream.once('close', () => target.destroy());
  };

  const pairKey = (stream: SpdyStream, type: 'error' | 'data'): string => {
    const requestId = stream.header('requestid');
    if (requestId !== undefined) return `r${requestId}`;
    // Clients older than requestID open the error stream right before its data stream.
    return `s${type === 'error' ? stream.id : stream.id - 2}`;
  };

  const onStream = (stream: SpdyStream): void => {
    const type = stream.header('streamtype');
    if (type !== 'error' && type !== 'data') {
      stream.destroy();
      return;
    }
    const key = pairKey(stream, type);
    let pair = pairs.get(key);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(key);
        pair?.error?.destroy();
        pair?.data?.destroy();
      }, PAIR_TIMEOUT_MS);
      timer.unref();
      pair = { timer };
      pairs.set(key, pair);
    }
    if (pair[type]) {
      stream.destroy(); // a second stream of the same type for one request
      return;
    }
    pair[type] = stream;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(key);
      const { error, data } = pair;
      forward(error, data).catch(() => {
        error.destroy();
        data.destroy();
      });
    }
  };

  new SpdyConnection(transport, head, {
    onStream,
    onClose: () => {
      for (const pair of pairs.values()) clearTimeout(pair.timer);
      pairs.clear();
      for (const target of forwards) target.destroy();
      forwards.clear();
    },
  });
}
