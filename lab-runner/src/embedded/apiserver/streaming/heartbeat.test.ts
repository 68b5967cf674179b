// Dead-peer detection: a client that stops answering pings is dropped (and its session ends);
// one that answers stays, however long it is idle.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { watchWebSocketPeer } from './heartbeat.js';
import { SpdyConnection } from './spdy-connection.js';
import { SpdyTestClient } from './testing/spdy-test-client.js';
import { writeSpdySwitchingProtocols } from './upgrade-response.js';

const INTERVAL_MS = 200;
let server: http.Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

async function listen(onUpgrade: (req: http.IncomingMessage, socket: import('node:net').Socket, head: Buffer) => void): Promise<string> {
  server = http.createServer();
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('SPDY heartbeat', () => {
  async function spdyServer() {
    const closed: (Error | undefined)[] = [];
    const url = await listen((_req, socket, head) => {
      writeSpdySwitchingProtocols(socket, 'v4.channel.k8s.io');
      new SpdyConnection(socket, head, { onStream: () => {}, onClose: (error) => closed.push(error) }, { heartbeatIntervalMs: INTERVAL_MS });
    });
    return { url, closed };
  }

  test('PINGs the client with even ids and drops it when it stays silent', async () => {
    const { url, closed } = await spdyServer();
    const client = await SpdyTestClient.connect(url, '/', ['v4.channel.k8s.io']);
    expect(await client.waitFor((frame) => frame.type === 'ping')).toEqual({ type: 'ping', id: 2 });
    await client.waitFor(() => false, 2_000).catch(() => {});
    expect(client.closed).toBe(true);
    expect(closed[0]?.message).toBe('the client stopped answering PINGs');
  });

  test('keeps a client that answers', async () => {
    const { url, closed } = await spdyServer();
    const client = await SpdyTestClient.connect(url, '/', ['v4.channel.k8s.io']);
    client.answerPings = true;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 6));
    expect(client.frames.filter(({ frame }) => frame.type === 'ping').length).toBeGreaterThanOrEqual(3);
    expect(client.closed).toBe(false);
    expect(closed).toEqual([]);
    client.close();
  });

  test('keeps a client whose answer arrived while the server was stalled', async () => {
    const { url, closed } = await spdyServer();
    const client = await SpdyTestClient.connect(url, '/', ['v4.channel.k8s.io']);
    client.answerPings = true;
    // The answer is on the wire once the client has recorded the PING; then the process stalls
    // (as on a loaded machine) past the next heartbeat tick.
    await client.waitFor((frame) => frame.type === 'ping');
    stall(INTERVAL_MS * 1.5);
    await client.waitFor((frame) => frame.type === 'ping' && frame.id === 4);
    expect(client.closed).toBe(false);
    expect(closed).toEqual([]);
    client.close();
  });
});

describe('WebSocket heartbeat', () => {
  async function wsServer() {
    const wss = new WebSocketServer({ noServer: true });
    const closes: number[] = [];
    const url = await listen((req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        watchWebSocketPeer(ws, INTERVAL_MS);
        ws.on('close', (code) => closes.push(code));
      }),
    );
    return { url: url.replace('http', 'ws'), closes };
  }

  test('terminates a peer that does not pong', async () => {
    const { url, closes } = await wsServer();
    const ws = new WebSocket(url, { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    expect(await closed).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closes).toEqual([1006]);
  });

  test('keeps a peer that pongs', async () => {
    const { url, closes } = await wsServer();
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.once('open', resolve));
    let pings = 0;
    ws.on('ping', () => (pings += 1));
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 6));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(closes).toEqual([]);
    ws.close();
  });

  test('keeps a peer whose pong arrived while the server was stalled', async () => {
    const { url, closes } = await wsServer();
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.once('open', resolve));
    let pings = 0;
    // ws sends the pong before it emits 'ping': stall the process (as on a loaded machine)
    // past the next heartbeat tick with the pong unread on the server's socket.
    ws.on('ping', () => {
      pings += 1;
      if (pings === 1) stall(INTERVAL_MS * 1.5);
    });
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const second = new Promise<void>((resolve) => ws.on('ping', () => pings === 2 && resolve()));
    expect(await Promise.race([second.then(() => 'pinged again'), closed.then(() => 'closed')])).toBe('pinged again');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(closes).toEqual([]);
    ws.close();
  });
});

/** Blocks this process for `ms`, as a machine too busy to schedule it would. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, no socket is served meanwhile
  }
}
