import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce, shellOrigin } from './headers';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('contentSecurityPolicy', () => {
  const policy = contentSecurityPolicy({ nonce: 'abc123==', runnerPublicUrls: ['http://127.0.0.1:4000'], https: false, development: false });
  const d = directives(policy);

  it('runs only scripts with this response nonce (and what they load), never inline or eval', () => {
    expect(d.get('script-src')).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy).not.toContain('unsafe-eval');
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('connects only to the app and the runner shells, is never framed, posts forms only to itself', () => {
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4000']);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'self'"]);
    expect(d.get('form-action')).toEqual(["'self'"]);
    // Plain http (a loopback install): upgrading would turn the shells' ws:// into wss:// that nothing serves.
    expect(d.has('upgrade-insecure-requests')).toBe(false);
  });

  it('over https: secure WebSockets to the runner, insecure requests upgraded', () => {
    const secure = directives(contentSecurityPolicy({ nonce: 'n', runnerPublicUrls: ['https://runner.example.org/'], https: true, development: false }));
    expect(secure.get('connect-src')).toEqual(["'self'", 'wss://runner.example.org']);
    expect(secure.has('upgrade-insecure-requests')).toBe(true);
    expect(shellOrigin('http://runner:4000/base/')).toBe('ws://runner:4000');
  });

  it('a nonce is 128 random bits, new each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);
  });
});
