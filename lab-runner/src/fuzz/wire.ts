// The fuzzer's own client side of the wire: raw connections (TLS to the API server, TCP to
// the runner), an HTTP upgrade written by hand, and WebSocket frames built and read by hand,
// so inputs can say anything a hostile client could (subprotocols ws would refuse, frames ws
// would never send).

import net from 'node:net';
import tls from 'node:tls';

export interface Endpoint {
  host: string;
  port: number;
  /** A CA to trust: the connection is TLS. */
  ca?: string;
}

export function connect(endpoint: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.ca
      ? tls.connect({ host: endpoint.host, port: endpoint.port, ca: endpoint.ca }, () => resolve(socket))
      : net.connect({ host: endpoint.host, port: endpoint.port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface HttpHead {
  status: number;
  headers: Record<string, string>;
}

/** One parsed HTTP response (body complete per Content-Length, or whatever came before the connection closed). */
export interface RawResponse extends HttpHead {
  body: Buffer;
}

function parseHead(text: string): HttpHead | undefined {
  const [line, ...rest] = text.split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(line ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers };
}

/** Splits bytes into the HTTP responses they hold; stops at the first one whose body length is unknown. */
export function parseResponses(data: Buffer): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = parseHead(data.subarray(at, end).toString('latin1'));
    if (!head) break;
    const length = head.headers['content-length'];
    const bodyStart = end + 4;
    if (length === undefined || !/^\d+$/.test(length)) {
      out.push({ ...head, body: data.subarray(bodyStart) });
      break;
    }
    const bodyEnd = bodyStart + Number(length);
    out.push({ ...head, body: data.subarray(bodyStart, Math.min(bodyEnd, data.length)) });
    at = bodyEnd;
  }
  return out;
}

/**
 * Writes an upgrade request and reads the answer's head. On 101 the socket is the caller's,
 * with any bytes that came after the head; otherwise the whole answer is read.
 */
export function upgrade(socket: net.Socket, request: string, timeoutMs: number): Promise<{ head: HttpHead; rest: Buffer } | { response: RawResponse | undefined }> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let settled = false;
    const done = (value: { head: HttpHead; rest: Buffer } | { response: RawResponse | undefined }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(value);
    };
    const timer = setTimeout(() => done({ response: parseResponses(data)[0] }), timeoutMs);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = parseHead(data.subarray(0, end).toString('latin1'));
      if (head?.status === 101) return done({ head, rest: data.subarray(end + 4) });
      const [response] = parseResponses(data);
      const length = response?.headers['content-length'];
      if (response && length !== undefined && response.body.length >= Number(length)) done({ response });
    };
    socket.on('data', onData);
    socket.once('close', () => done({ response: parseResponses(data)[0] }));
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A masked client frame. */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  let head: Buffer;
  if (payload.length < 126) head = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]);
  else if (payload.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = (fin ? 0x80 : 0) | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = (fin ? 0x80 : 0) | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** Reads the server's (unmasked) frames out of a byte stream. */
export class FrameReader {
  private data = Buffer.alloc(0);

  push(chunk: Buffer): ServerFrame[] {
    this.data = Buffer.concat([this.data, chunk]);
    const out: ServerFrame[] = [];
    for (;;) {
      if (this.data.length < 2) break;
      const opcode = this.data[0]! & 0x0f;
      const masked = (this.data[1]! & 0x80) !== 0;
      let length = this.data[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (this.data.length < 4) break;
        length = this.data.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (this.data.length < 10) break;
        length = Number(this.data.readBigUInt64BE(2));
        at = 10;
      }
      if (masked) at += 4;
      if (this.data.length < at + length) break;
      out.push({ opcode, payload: this.data.subarray(at, at + length) });
      this.data = this.data.subarray(at + length);
    }
    return out;
  }
}
