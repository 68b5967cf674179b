// The streaming protocols on the wire, with clients we control: SPDY negotiation, PING echo,
// back-pressure (an endless stdout must not be buffered when the client stops reading),
// teardown when the client disconnects, frame-size caps, WebSocket ping/pong, the base64
// channel protocol, and @kubernetes/client-node's exec and port-forward.

import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { StreamOptions, StreamSession } from '../../node-contract.js';
import { type StreamTarget, isStreamUpgrade, serveStreamUpgrade } from './index.js';
import { encodeDataFrame } from './spdy-frames.js';
import { hostProcessSession } from './testing/host-process-session.js';
import { SpdyTestClient } from './testing/spdy-test-client.js';
import { startEchoServer } from './testing/stream-test-server.js';

/** A session whose stdout never ends: it counts what the protocol pulls from it. */
function floodSession() {
  const state = { pulled: 0, closed: false };
  let end: (value: { exitCode: number }) => void = () => {};
  const stdout = new Readable({
    highWaterMark: 64 << 10,
    read() {
      state.pulled += 16 << 10;
      this.push(Buffer.alloc(16 << 10, 0x79));
    },
  });
  const session: StreamSession = {
    stdin: null,
    stdout,
    stderr: null,
    resize: () => {},
    result: new Promise((resolve) => (end = resolve)),
    close: () => {
      state.closed = true;
      stdout.destroy();
      end({ exitCode: 137 });
    },
  };
  return { session, state };
}

/** A session whose process stops reading stdin until `release()`: it counts what it is handed. */
function stuckStdinSession() {
  const state = { accepted: 0, closed: false, released: false, release: () => {} };
  let end: (value: { exitCode: number }) => void = () => {};
  let pending: (() => void) | null = null;
  const stdin = new Writable({
    highWaterMark: 64 << 10,
    write(chunk: Buffer, _encoding, callback) {
      state.accepted += chunk.length;
      if (state.released) callback();
      else pending = callback;
    },
  });
  state.release = () => {
    state.released = true;
    pending?.();
  };
  const session: StreamSession = {
    stdin,
    stdout: null,
    stderr: null,
    resize: () => {},
    result: new Promise((resolve) => (end = resolve)),
    close: () => {
      state.closed = true;
      stdin.destroy();
      end({ exitCode: 137 });
    },
  };
  return { session, state };
}

const EXEC_OPTIONS: StreamOptions = { container: 'app', stdin: false, stdout: true, stderr: false, tty: false };

let targetFor: (path: string) => StreamTarget;
let server: http.Server;
let url: string;
let echo: Awaited<ReturnType<typeof startEchoServer>>;
const upgraded = new Set<net.Socket>();
/** The server side of the most recent upgraded connection. */
let lastUpgraded: net.Socket | null = null;

beforeAll(async () => {
  echo = await startEchoServer();
  server = http.createServer((req, res) => {
    // client-node reads nothing else; anything else is a 404.
    res.writeHead(404).end();
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    upgraded.add(socket);
    lastUpgraded = socket;
    socket.once('close', () => upgraded.delete(socket));
    if (!isStreamUpgrade(req)) {
      socket.destroy();
      return;
    }
    serveStreamUpgrade(req, socket, head, targetFor(new URL(req.url ?? '/', 'http://x').pathname + new URL(req.url ?? '/', 'http://x').search));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  for (const socket of upgraded) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await echo.close();
});

/** Resolves once `value()` has not changed for `quietMs` (the pipeline has settled). */
const waitForStable = async (value: () => number, quietMs = 300, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('value kept changing');
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (value() !== last) {
      last = value();
      since = Date.now();
    }
  }
  return last;
};

const waitUntil = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('SPDY', () => {
  test('answers 101 with the v4 protocol when the client offers v5 and v4', async () => {
    const { session } = floodSession();
    targetFor = () => ({ kind: 'exec', options: EXEC_OPTIONS, start: async () => session });
    const client = await SpdyTestClient.connect(url, '/exec', ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(client.response.statusCode).toBe(101);
    expect(client.response.headers.upgrade).toBe('SPDY/3.1');
    expect(client.response.headers['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
    client.close();
  });

  test('refuses a client that offers no protocol it knows, with a Status', async () => {
    targetFor = () => ({ kind: 'exec', options: EXEC_OPTIONS, start: async () => floodSession().session });
    const refusal = await SpdyTestClient.connect(url, '/exec', ['channel.k8s.io']).catch((error: { statusCode: number; body: string }) => error);
    expect(refusal).toMatchObject({ statusCode: 403 });
    expect(JSON.parse((refusal as { body: string }).body)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
  });

  test('echoes PINGs, pauses an endless stdout while the client does not read, closes the session on disconnect', async () => {
    const { session, state } = floodSession();
    targetFor = () => ({ kind: 'exec', options: EXEC_OPTIONS, start: async () => session });
    const client = await SpdyTestClient.connect(url, '/exec', ['v4.channel.k8s.io']);
    client.ping(1);
    expect(await client.waitFor((frame) => frame.type === 'ping')).toEqual({ type: 'ping', id: 1 });
    await client.openStream({ streamtype: 'error' });
    const stdout = await client.openStream({ streamtype: 'stdout' });
    await client.waitFor((frame) => frame.type === 'syn_reply' && frame.streamId === stdout);
    await client.waitFor((frame) => frame.type === 'data' && frame.streamId === stdout);
    client.socket.pause();
    const pausedAt = await waitForStable(() => state.pulled);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Only socket buffers' worth is ever pulled; without back-pressure this would be gigabytes.
    expect(state.pulled - pausedAt).toBe(0);
    expect(pausedAt).toBeLessThan(64 << 20);
    client.socket.resume();
    await waitUntil(() => state.pulled > pausedAt);
    client.close();
    await waitUntil(() => state.closed);
  });

  test('a session that ends sends FIN on stdout, then the Status on the error stream, then GOAWAY', async () => {
    targetFor = () => ({
      kind: 'exec',
      options: { ...EXEC_OPTIONS, stdin: true },
      start: async () => hostProcessSession(['sh', '-c', 'cat; exit 3'], { ...EXEC_OPTIONS, stdin: true }, '/', () => {}),
    });
    const client = await SpdyTestClient.connect(url, '/exec', ['v4.channel.k8s.io']);
    const error = await client.openStream({ streamtype: 'error' });
    const stdin = await client.openStream({ streamtype: 'stdin' });
    const stdout = await client.openStream({ streamtype: 'stdout' });
    client.sendData(stdin, Buffer.from('echoed'), true);
    expect((await client.streamData(stdout)).toString()).toBe('echoed');
    const status = JSON.parse((await client.streamData(error)).toString());
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
    await client.waitFor((frame) => frame.type === 'goaway');
    const order = client.frames.map(({ frame }) => frame).filter((frame) => frame.type === 'data' && frame.flags & 1).map((frame) => (frame as { streamId: number }).streamId);
    expect(order).toEqual([stdout, error]);
    client.close();
  });

  test('stdin the process does not read holds the client back instead of piling up', async () => {
    const { session, state } = stuckStdinSession();
    targetFor = () => ({ kind: 'exec', options: { ...EXEC_OPTIONS, stdin: true }, start: async () => session });
    const client = await SpdyTestClient.connect(url, '/exec', ['v4.channel.k8s.io']);
    await client.openStream({ streamtype: 'error' });
    const stdin = await client.openStream({ streamtype: 'stdin' });
    await client.openStream({ streamtype: 'stdout' });
    const chunk = Buffer.alloc(32 << 10, 0x79);
    for (let i = 0; i < 640; i++) client.sendData(stdin, chunk); // 20 MiB
    await waitUntil(() => state.accepted > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(state.accepted).toBeLessThanOrEqual(64 << 10);
    // The rest waits in socket buffers: the server stopped reading after a little.
    expect(lastUpgraded!.bytesRead).toBeLessThan(4 << 20);
    state.release();
    await waitUntil(() => state.accepted === 20 << 20, 10_000);
    client.close();
    await waitUntil(() => state.closed);
  });

  test('a DATA frame above the size cap ends the connection and the session', async () => {
    const { session, state } = floodSession();
    targetFor = () => ({ kind: 'exec', options: { ...EXEC_OPTIONS, stdin: true }, start: async () => session });
    const client = await SpdyTestClient.connect(url, '/exec', ['v4.channel.k8s.io']);
    await client.openStream({ streamtype: 'error' });
    const stdin = await client.openStream({ streamtype: 'stdin' });
    await client.openStream({ streamtype: 'stdout' });
    client.socket.write(encodeDataFrame(stdin, Buffer.alloc((1 << 20) + 1), false));
    expect(await client.waitFor((frame) => frame.type === 'goaway')).toMatchObject({ status: 1 });
    await waitUntil(() => client.closed && state.closed);
  });
});

function openWebSocket(path: string, protocol: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, [protocol]);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('WebSocket', () => {
  test('answers pings with pongs during a session, pauses an endless stdout, closes the session on disconnect', async () => {
    const { session, state } = floodSession();
    targetFor = () => ({ kind: 'exec', options: EXEC_OPTIONS, start: async () => session });
    const ws = await openWebSocket('/exec', 'v5.channel.k8s.io');
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping(Buffer.from('keepalive'));
    expect((await pong).toString()).toBe('keepalive');
    await new Promise((resolve) => ws.once('message', resolve));
    ws.pause();
    const pausedAt = await waitForStable(() => state.pulled);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(state.pulled - pausedAt).toBe(0);
    expect(pausedAt).toBeLessThan(64 << 20);
    ws.resume();
    await waitUntil(() => state.pulled > pausedAt);
    ws.terminate();
    await waitUntil(() => state.closed);
  });

  test('speaks the base64 channel protocol: stdin in, stdout out, the close signal absent in v4', async () => {
    const options = { ...EXEC_OPTIONS, stdin: true };
    targetFor = () => ({ kind: 'exec', options, start: async () => hostProcessSession(['sh', '-c', 'head -c 5; echo; exit 0'], options, '/', () => {}) });
    const ws = await openWebSocket('/exec', 'v4.base64.channel.k8s.io');
    const messages: string[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      messages.push(data.toString());
    });
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(`0${Buffer.from('hello world').toString('base64')}`);
    expect(await closed).toBe(1000);
    const stdout = messages.filter((m) => m[0] === '1').map((m) => Buffer.from(m.slice(1), 'base64').toString()).join('');
    expect(stdout).toBe('hello\n');
    const status = messages.find((m) => m[0] === '3');
    expect(JSON.parse(Buffer.from(status!.slice(1), 'base64').toString())).toEqual({ metadata: {}, status: 'Success' });
  });

  test('stdin the process does not read holds the client back instead of piling up', async () => {
    const { session, state } = stuckStdinSession();
    targetFor = () => ({ kind: 'exec', options: { ...EXEC_OPTIONS, stdin: true }, start: async () => session });
    const ws = await openWebSocket('/exec', 'v5.channel.k8s.io');
    const chunk = Buffer.alloc((32 << 10) + 1, 0x79);
    chunk[0] = 0; // channel 0: stdin
    for (let i = 0; i < 640; i++) ws.send(chunk); // 20 MiB
    await waitUntil(() => state.accepted > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(state.accepted).toBeLessThanOrEqual(64 << 10);
    expect(lastUpgraded!.bytesRead).toBeLessThan(4 << 20);
    state.release();
    await waitUntil(() => state.accepted === 20 << 20, 10_000);
    ws.terminate();
    await waitUntil(() => state.closed);
  });

  test('output held open by a background child is cut off after it stalls, then the Status follows', async () => {
    const options = { ...EXEC_OPTIONS, stderr: true };
    targetFor = () => ({ kind: 'exec', options, start: async () => hostProcessSession(['sh', '-c', 'sleep 30 & echo $! >&2; echo bg; exit 0'], options, '/', () => {}) });
    const started = Date.now();
    const ws = await openWebSocket('/exec', 'v5.channel.k8s.io');
    const messages: Buffer[] = [];
    ws.on('message', (data: Buffer) => messages.push(data));
    expect(await new Promise<number>((resolve) => ws.once('close', resolve))).toBe(1000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(4_500);
    expect(elapsed).toBeLessThan(15_000);
    expect(Buffer.concat(messages.filter((m) => m[0] === 1).map((m) => m.subarray(1))).toString()).toBe('bg\n');
    expect(JSON.parse(messages.find((m) => m[0] === 3)!.subarray(1).toString())).toEqual({ metadata: {}, status: 'Success' });
    const sleeper = Number(Buffer.concat(messages.filter((m) => m[0] === 2).map((m) => m.subarray(1))).toString());
    process.kill(sleeper, 'SIGKILL');
  });

  test('refuses a message above the size cap', async () => {
    const { session, state } = floodSession();
    targetFor = () => ({ kind: 'exec', options: { ...EXEC_OPTIONS, stdin: true }, start: async () => session });
    const ws = await openWebSocket('/exec', 'v5.channel.k8s.io');
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.alloc((1 << 20) + 2));
    expect(await closed).toBe(1009);
    await waitUntil(() => state.closed);
  });

  test('a subprotocol it does not speak gets a 400 (so kubectl falls back to SPDY)', async () => {
    targetFor = () => ({ kind: 'exec', options: EXEC_OPTIONS, start: async () => floodSession().session });
    await expect(openWebSocket('/exec', 'v3.channel.k8s.io')).rejects.toThrow(/400/);
  });
});

describe('@kubernetes/client-node (used by the check engine)', () => {
  function kubeConfig(): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  }

  test('exec gets stdout, stderr and the final Status', async () => {
    targetFor = (path) => {
      const query = new URLSearchParams(path.split('?')[1]);
      const options: StreamOptions = { container: 'app', stdin: false, stdout: true, stderr: true, tty: false };
      return { kind: 'exec', options, start: async () => hostProcessSession(query.getAll('command'), options, '/', () => {}) };
    };
    let stdout = '';
    let stderr = '';
    const collect = (append: (text: string) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          append(chunk.toString());
          callback();
        },
      });
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kubeConfig())
        .exec('default', 'p', 'app', ['sh', '-c', 'echo out; echo err >&2; exit 2'], collect((t) => (stdout += t)), collect((t) => (stderr += t)), null, false, resolve)
        .catch(reject);
    });
    expect(stdout).toBe('out\n');
    expect(stderr).toBe('err\n');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
  });

  test('port-forward over the WebSocket channel protocol carries bytes both ways', async () => {
    targetFor = (path) => ({
      kind: 'portforward',
      ports: new URLSearchParams(path.split('?')[1]).getAll('ports').map(Number),
      connect: async () => net.connect(echo.port, '127.0.0.1'),
    });
    const output = new PassThrough();
    const input = new PassThrough();
    const ws = (await new k8s.PortForward(kubeConfig()).portForward('default', 'p', [8080], output, null, input)) as WebSocket;
    input.write('through the tunnel');
    let received = '';
    await new Promise<void>((resolve) => {
      output.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received === 'through the tunnel') resolve();
      });
    });
    ws.close();
  });
});
