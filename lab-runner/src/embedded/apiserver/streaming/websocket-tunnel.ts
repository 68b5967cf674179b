// kubectl 1.31+ port-forward first tries SPDY tunnelled through a WebSocket: subprotocol
// `SPDY/3.1+portforward.k8s.io`, the SPDY byte stream carried in binary messages with
// arbitrary boundaries. This turns the WebSocket back into a byte stream for SpdyConnection.

import type { Duplex } from 'node:stream';
import { type WebSocket, createWebSocketStream } from 'ws';

export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export function webSocketByteStream(ws: WebSocket): Duplex {
  // createWebSocketStream pauses the socket while the stream's reader is full.
  const stream = createWebSocketStream(ws, { allowHalfOpen: false });
  stream.on('error', () => {
    // The SPDY connection sees 'close' and tears down.
  });
  return stream;
}
