// Sends one input to the running target and judges what comes back (see oracle.ts). Returns
// the problems found; an empty list means the input was answered as Kubernetes would.

import type net from 'node:net';
import { HeaderCompressor } from '../embedded/apiserver/streaming/spdy-header-compression.js';
import { encodeSynStream } from '../embedded/apiserver/streaming/spdy-frames.js';
import type { FuzzInput, HttpInput, RawInput, ShellInput, SpdyStreamInput, WsFrame, WsStreamInput } from './inputs.js';
import { judgeApiAnswer, judgeStreamStatus, type Verdict } from './oracle.js';
import type { FuzzTarget } from './target.js';
import { clientFrame, connect, FrameReader, Opcode, parseResponses, upgrade, type Endpoint } from './wire.js';

/** How long a streaming session may run before the fuzzer hangs up (an exec of `sleep 1` must finish). */
const SESSION_MS = 4000;
/** Once every frame is sent, a session that stays silent this long is over for the fuzzer. */
const SESSION_IDLE_MS = 1200;
/** Quiet time after which a raw connection is considered answered. */
const RAW_QUIET_MS = 300;

export async function execute(target: FuzzTarget, input: FuzzInput): Promise<string[]> {
  switch (input.kind) {
    case 'http':
      return executeHttp(target, input);
    case 'raw':
      return executeRaw(target, input);
    case 'stream-ws':
      return executeWsStream(target, input);
    case 'stream-spdy':
      return executeSpdy(target, input);
    case 'shell':
      return executeShell(target, input);
  }
}

const problems = (...verdicts: Verdict[]) => verdicts.filter((v) => !v.ok).map((v) => v.problem ?? 'unexpected');

async function executeHttp(target: FuzzTarget, input: HttpInput): Promise<string[]> {
  let answer;
  try {
    answer = await target.request(input.method, input.path, input.headers, input.body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A connection the server closes without an answer is how Node refuses what is not HTTP; a silent server is not.
    if (/no answer within/.test(message)) return [`${input.method} ${input.path.slice(0, 120)}: ${message}`];
    return [];
  }
  const contentType = answer.headers['content-type'];
  return problems(judgeApiAnswer(answer.status, typeof contentType === 'string' ? contentType : undefined, answer.body, { method: input.method }));
}

function apiEndpoint(target: FuzzTarget): Endpoint {
  return { host: target.api.host, port: target.api.port, ca: target.api.ca };
}

/** Writes, then collects until the server closes or goes quiet; resolves with everything read. */
function exchange(socket: net.Socket, chunks: Buffer[], end: boolean): Promise<Buffer> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(quiet);
      clearTimeout(overall);
      socket.destroy();
      resolve(Buffer.concat(received));
    };
    const overall = setTimeout(finish, 3000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(finish, RAW_QUIET_MS);
    });
    socket.once('close', finish);
    socket.on('error', () => undefined);
    for (const chunk of chunks) socket.write(chunk);
    if (end) socket.end();
  });
}

async function executeRaw(target: FuzzTarget, input: RawInput): Promise<string[]> {
  const socket = await connect(apiEndpoint(target)).catch(() => undefined);
  if (!socket) return ['could not connect to the API server'];
  const token = Buffer.from(target.api.token, 'latin1');
  const chunks = input.chunks.map((c) => replaceAll(c, Buffer.from('{token}'), token));
  const data = await exchange(socket, chunks, input.end);
  const out: string[] = [];
  for (const response of parseResponses(data)) {
    if (response.headers['transfer-encoding'] === 'chunked') continue; // a watch, cut off
    const head = /^(HEAD)/.test(chunks[0]?.toString('latin1') ?? '') ? 'HEAD' : undefined;
    out.push(...problems(judgeApiAnswer(response.status, response.headers['content-type'], response.body, { transport: true, ...(head ? { method: head } : {}) })));
  }
  return out;
}

function replaceAll(data: Buffer, from: Buffer, to: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = data.indexOf(from); i >= 0; i = data.indexOf(from, at)) {
    parts.push(data.subarray(at, i), to);
    at = i + from.length;
  }
  parts.push(data.subarray(at));
  return Buffer.concat(parts);
}

function wsRequest(path: string, headers: Record<string, string>): string {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function frameBytes(frame: WsFrame): Buffer {
  switch (frame.type) {
    case 'binary':
      return clientFrame(Opcode.binary, frame.data);
    case 'text':
      return clientFrame(Opcode.text, Buffer.from(frame.data, 'utf8'));
    case 'ping':
      return clientFrame(Opcode.ping, Buffer.from('p'));
    case 'raw':
      return frame.data;
    case 'close': {
      const payload = Buffer.alloc(2 + Buffer.byteLength(frame.reason));
      payload.writeUInt16BE(frame.code, 0);
      payload.write(frame.reason, 2);
      return clientFrame(Opcode.close, payload);
    }
  }
}

/** A client that sends a close frame (or raw bytes that may be one) gets its own code echoed: a 1011 then is not the server's. */
function mayCloseFirst(frames: WsFrame[]): boolean {
  return frames.some((f) => f.type === 'close' || f.type === 'raw');
}

interface Session {
  frames: { opcode: number; payload: Buffer }[];
  closeCode: number | undefined;
}

/** Sends the frames (a little apart, as a client types), then reads until the server closes or SESSION_MS passes. */
function runWebSocket(socket: net.Socket, rest: Buffer, frames: Buffer[]): Promise<Session> {
  return new Promise((resolve) => {
    const reader = new FrameReader();
    let i = 0;
    const session: Session = { frames: [], closeCode: undefined };
    const take = (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        session.frames.push(frame);
        if (frame.opcode === Opcode.close) {
          session.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
          socket.end();
        }
      }
    };
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(idle);
      socket.destroy();
      resolve(session);
    };
    const timer = setTimeout(finish, SESSION_MS);
    let idle: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(idle);
      if (i >= frames.length) idle = setTimeout(finish, SESSION_IDLE_MS);
    };
    socket.on('data', (chunk: Buffer) => {
      take(chunk);
      quiet();
    });
    socket.once('close', finish);
    socket.on('error', () => undefined);
    take(rest);
    const sendNext = () => {
      if (socket.destroyed) return;
      if (i >= frames.length) return quiet();
      socket.write(frames[i++]!);
      setTimeout(sendNext, 20);
    };
    sendNext();
  });
}

async function executeWsStream(target: FuzzTarget, input: WsStreamInput): Promise<string[]> {
  const socket = await connect(apiEndpoint(target)).catch(() => undefined);
  if (!socket) return ['could not connect to the API server'];
  const headers: Record<string, string> = { Authorization: `Bearer ${target.api.token}` };
  if (input.protocols.length > 0) headers['Sec-WebSocket-Protocol'] = input.protocols.join(', ');
  const answer = await upgrade(socket, wsRequest(input.path, headers), 20_000);
  if ('response' in answer) {
    socket.destroy();
    if (!answer.response) return [];
    return problems(judgeApiAnswer(answer.response.status, answer.response.headers['content-type'], answer.response.body));
  }
  const protocol = answer.head.headers['sec-websocket-protocol'] ?? '';
  const session = await runWebSocket(socket, answer.rest, input.frames.map(frameBytes));
  const out: string[] = [];
  // Port-forward channels carry the port number first, then bytes or error text: no Status to judge.
  const remoteCommand = !/\/portforward(\?|$)/.test(input.path);
  for (const frame of remoteCommand ? session.frames : []) {
    if (frame.opcode !== Opcode.binary && frame.opcode !== Opcode.text) continue;
    const base64 = protocol.includes('base64');
    const channel = base64 ? frame.payload[0]! - 0x30 : frame.payload[0];
    if (channel !== 3 || protocol.startsWith('SPDY')) continue;
    const text = base64 ? Buffer.from(frame.payload.subarray(1).toString('latin1'), 'base64').toString('utf8') : frame.payload.subarray(1).toString('utf8');
    out.push(...problems(judgeStreamStatus(text)));
  }
  if (session.closeCode === 1011 && !mayCloseFirst(input.frames)) out.push('the API server closed a stream with 1011 (internal error)');
  return out;
}

async function executeSpdy(target: FuzzTarget, input: SpdyStreamInput): Promise<string[]> {
  const socket = await connect(apiEndpoint(target)).catch(() => undefined);
  if (!socket) return ['could not connect to the API server'];
  const lines = [`POST ${input.path} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${target.api.token}`, 'Connection: Upgrade', 'Upgrade: SPDY/3.1', 'Content-Length: 0'];
  for (const p of input.protocols) lines.push(`X-Stream-Protocol-Version: ${p}`);
  const answer = await upgrade(socket, `${lines.join('\r\n')}\r\n\r\n`, 20_000);
  if ('response' in answer) {
    socket.destroy();
    if (!answer.response) return [];
    return problems(judgeApiAnswer(answer.response.status, answer.response.headers['content-type'], answer.response.body));
  }
  const compressor = new HeaderCompressor();
  const frames: Buffer[] = [];
  try {
    for (const spec of input.frames) {
      if (spec.type === 'bytes') frames.push(spec.data);
      else frames.push(encodeSynStream(spec.streamId, await compressor.compress(new Map(spec.headers.map(([k, v]) => [k, [v]]))), spec.flags));
    }
  } finally {
    compressor.close();
  }
  await exchange(socket, frames, false);
  return [];
}

async function shellTicket(target: FuzzTarget, sandboxId: string): Promise<string> {
  const reply = await target.runner.api('POST', `/v1/sandboxes/${sandboxId}/shell-tickets`, {});
  if (reply.status !== 201) throw new Error(`shell-tickets answered ${reply.status}: ${reply.text}`);
  return new URL(reply.json.url as string).searchParams.get('ticket') ?? '';
}

async function executeShell(target: FuzzTarget, input: ShellInput): Promise<string[]> {
  const runner = new URL(target.runner.url);
  const endpoint: Endpoint = { host: runner.hostname, port: Number(runner.port) };
  let ticket = '';
  if (input.ticket === 'valid' || input.ticket === 'reused') ticket = await shellTicket(target, target.sandboxId);
  else if (input.ticket === 'other-sandbox') ticket = await shellTicket(target, target.otherSandboxId);
  else if (input.ticket === 'garbage') ticket = 'AAAA%zz';
  const path = `/v1/sandboxes/${input.path.replaceAll('{id}', target.sandboxId)}`;
  const query = [ticket ? `ticket=${ticket}` : '', input.query].filter(Boolean).join('&');
  const request = wsRequest(`${path}${query ? `?${query}` : ''}`, input.origin === undefined ? {} : { Origin: input.origin });
  const attempts = input.ticket === 'reused' ? 2 : 1;
  const out: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const socket = await connect(endpoint).catch(() => undefined);
    if (!socket) return ['could not connect to the runner'];
    const answer = await upgrade(socket, request, 20_000);
    if ('response' in answer) {
      socket.destroy();
      if (answer.response && answer.response.status >= 500) out.push(`shell upgrade answered ${answer.response.status}: ${answer.response.body.toString().slice(0, 200)}`);
      continue;
    }
    if (attempt > 0) out.push('a shell ticket was accepted twice');
    const session = await runWebSocket(socket, answer.rest, input.frames.map(frameBytes));
    if (session.closeCode === 1011 && !mayCloseFirst(input.frames)) out.push('the shell gateway closed with 1011 (internal error)');
  }
  return out;
}
