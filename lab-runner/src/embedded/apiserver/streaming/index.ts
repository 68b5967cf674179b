// The streaming subresources of the API server (pods/exec, pods/attach, pods/portforward):
// takes over an upgraded connection and speaks whichever protocol the client offers.
//   WebSocket: v5/v4 channel protocols (kubectl 1.29+ exec/attach, client libraries), and
//              SPDY/3.1 tunnelled in WebSocket messages (kubectl 1.31+ port-forward).
//   SPDY/3.1:  remotecommand v4/v5 and portforward.k8s.io (every kubectl; the fallback).
// The caller has authenticated, resolved the pod and container and validated the request.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamOptions, StreamSession } from '../../node-contract.js';
import { watchWebSocketPeer } from './heartbeat.js';
import { PORT_FORWARD_PROTOCOL, servePortForwardOverSpdy } from './spdy-port-forward.js';
import { REMOTE_COMMAND_SPDY_PROTOCOLS, serveRemoteCommandOverSpdy } from './spdy-remote-command.js';
import { statusForError } from './stream-status.js';
import {
  chooseProtocol,
  negotiationFailure,
  offeredStreamProtocols,
  rejectUpgrade,
  writeSpdySwitchingProtocols,
} from './upgrade-response.js';
import { CHANNEL_PROTOCOLS, type ChannelProtocol } from './websocket-channel-codec.js';
import { servePortForwardOverWebSocketChannels } from './websocket-port-forward.js';
import { serveRemoteCommandOverWebSocket } from './websocket-remote-command.js';
import { SPDY_TUNNEL_PROTOCOL, webSocketByteStream } from './websocket-tunnel.js';

export type StreamTarget =
  | { kind: 'exec' | 'attach'; options: StreamOptions; start: () => Promise<StreamSession> }
  | { kind: 'portforward'; ports: number[]; connect: (port: number) => Promise<Duplex> };

/** Incoming WebSocket messages larger than this close the connection (1009). */
const MAX_WEBSOCKET_MESSAGE = 1 << 20;

function upgradeToken(req: IncomingMessage): string {
  return (req.headers.upgrade ?? '').trim().toLowerCase();
}

/** True for a WebSocket GET upgrade or a SPDY/3.1 POST upgrade. */
export function isStreamUpgrade(req: IncomingMessage): boolean {
  const upgrade = upgradeToken(req);
  return (req.method === 'GET' && upgrade === 'websocket') || (req.method === 'POST' && upgrade === 'spdy/3.1');
}

/**
 * Takes over the upgraded connection and serves the target in the protocol the client
 * offers. If start()/connect() throws a StatusError, the client is told in its protocol so
 * kubectl prints the message (WebSocket exec: a Failure Status on channel 3; SPDY: the error stream).
 */
export function serveStreamUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget): void {
  socket.on('error', () => {
    // Connection errors end the session through 'close'; they must never crash the process.
  });
  try {
    const upgrade = upgradeToken(req);
    if (req.method === 'GET' && upgrade === 'websocket') serveWebSocket(req, socket, head, target);
    else if (req.method === 'POST' && upgrade === 'spdy/3.1') serveSpdy(req, socket, head, target);
    else {
      rejectUpgrade(socket, {
        metadata: {},
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
        message: 'Upgrade request required: use a WebSocket GET or a SPDY/3.1 POST',
      });
    }
  } catch (error) {
    rejectUpgrade(socket, statusForError(error));
  }
}

function serveSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget): void {
  const offered = offeredStreamProtocols(req);
  const supported = target.kind === 'portforward' ? [PORT_FORWARD_PROTOCOL] : REMOTE_COMMAND_SPDY_PROTOCOLS;
  const protocol = chooseProtocol(offered, supported);
  if (!protocol) {
    rejectUpgrade(socket, negotiationFailure(offered, supported));
    return;
  }
  writeSpdySwitchingProtocols(socket, protocol);
  if (target.kind === 'portforward') servePortForwardOverSpdy(socket, head, target.connect);
  else serveRemoteCommandOverSpdy(socket, head, target);
}

function webSocketProtocols(target: StreamTarget): readonly string[] {
  return target.kind === 'portforward' ? [SPDY_TUNNEL_PROTOCOL, ...CHANNEL_PROTOCOLS] : CHANNEL_PROTOCOLS;
}

function serveWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget): void {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const supported = webSocketProtocols(target);
  const protocol = chooseProtocol(offered, supported);
  if (!protocol) {
    // kubectl 1.30+ falls back to SPDY on any non-101 answer.
    rejectUpgrade(socket, { ...negotiationFailure(offered, supported), reason: 'BadRequest', code: 400 });
    return;
  }
  if (target.kind === 'portforward' && protocol !== SPDY_TUNNEL_PROTOCOL && target.ports.length === 0) {
    // The channel protocol takes its ports from the query; a kubelet refuses the request without them.
    rejectUpgrade(socket, { metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400, message: 'query parameter "ports" is required' });
    return;
  }
  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_WEBSOCKET_MESSAGE,
  });
  // ws rejects `SPDY/3.1+portforward.k8s.io` ('/' is not a token character), so the
  // negotiation is ours: ws never sees the offer, and the answer is added to its 101.
  delete req.headers['sec-websocket-protocol'];
  server.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
  server.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    server.close();
    watchWebSocketPeer(ws);
    if (target.kind === 'portforward') {
      if (protocol === SPDY_TUNNEL_PROTOCOL) servePortForwardOverSpdy(webSocketByteStream(ws), Buffer.alloc(0), target.connect);
      else servePortForwardOverWebSocketChannels(ws, protocol as ChannelProtocol, target.ports, target.connect);
    } else {
      serveRemoteCommandOverWebSocket(ws, protocol as ChannelProtocol, target);
    }
  });
}
