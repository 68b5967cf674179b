// The front server on a real socket: what a route handler behind it is told about the client.
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies } from '../../lib/client-address';
import { createFrontServer } from './front-server';

const servers: import('node:http').Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A front server whose "app" answers with the client address it was given, and every raw header. */
async function start(trusted: string | undefined): Promise<number> {
  const server = createFrontServer((req, res) => {
    res.end(JSON.stringify({ address: req.headers[CLIENT_ADDRESS_HEADER], raw: req.rawHeaders }));
  }, parseTrustedProxies(trusted));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(port: number, headers: Record<string, string>): Promise<{ address: string; raw: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('front server', () => {
  it('gives the app the socket address, not a forged X-Forwarded-For or a forged client-address header', async () => {
    const port = await start(undefined);
    const seen = await get(port, { 'x-forwarded-for': '198.51.100.1', [CLIENT_ADDRESS_HEADER]: '198.51.100.2' });
    expect(seen.address).toBe('127.0.0.1');
    expect(seen.raw.filter((h) => h.includes('198.51.100.2'))).toEqual([]);
  });

  it('takes X-Forwarded-For from a trusted proxy (here loopback is the proxy)', async () => {
    const port = await start('127.0.0.1');
    expect((await get(port, { 'x-forwarded-for': '6.6.6.6, 198.51.100.1' })).address).toBe('198.51.100.1');
    expect((await get(port, {})).address).toBe('127.0.0.1');
  });
});
