// Raw HTTP/1.1 answers on a socket the HTTP server has handed over for an upgrade: the SPDY
// 101, and the refusals (a Status body, as every API server error is).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Status } from './stream-status.js';

/** Every X-Stream-Protocol-Version the client offered, in its order (repeated or comma-joined headers). */
export function offeredStreamProtocols(req: IncomingMessage): string[] {
  const values = req.headersDistinct['x-stream-protocol-version'] ?? [];
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value.length > 0);
}

/** Our most preferred protocol that the client offered, or null. */
export function chooseProtocol(offered: Iterable<string>, preferred: readonly string[]): string | null {
  const set = new Set(offered);
  return preferred.find((protocol) => set.has(protocol)) ?? null;
}

export function negotiationFailure(offered: Iterable<string>, supported: readonly string[]): Status {
  const message = `unable to upgrade: unable to negotiate protocol: client supports [${[...offered].join(' ')}], server supports [${supported.join(' ')}]`;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', code: 403 };
}

export function writeSpdySwitchingProtocols(socket: Duplex, protocol: string): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      'Upgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${protocol}\r\n` +
      '\r\n',
  );
}

/** Answers the upgrade request with an error Status and closes the connection. */
export function rejectUpgrade(socket: Duplex, status: Status): void {
  const code = typeof status.code === 'number' ? status.code : 400;
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', ...status });
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n' +
      '\r\n' +
      body,
  );
}
