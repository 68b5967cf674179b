import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseTrustedProxies, resolveClientAddress } from './client-address';

describe('resolveClientAddress', () => {
  const none = parseTrustedProxies(undefined);
  const proxies = parseTrustedProxies('10.0.0.5, 192.168.0.0/16 fd00::/8');

  it('an untrusted peer is the client, whatever X-Forwarded-For it forges', () => {
    expect(resolveClientAddress('203.0.113.7', '198.51.100.1', none)).toBe('203.0.113.7');
    expect(resolveClientAddress('203.0.113.7', ['1.1.1.1', '2.2.2.2'], none)).toBe('203.0.113.7');
    // No trusted proxies configured: even a peer on loopback or a private network is the client.
    expect(resolveClientAddress('::ffff:127.0.0.1', '198.51.100.1', none)).toBe('127.0.0.1');
    // A proxy address in the list does not make an unlisted peer trusted.
    expect(resolveClientAddress('203.0.113.7', '10.0.0.5', proxies)).toBe('203.0.113.7');
  });

  it('behind trusted proxies, the first hop from the right that is not a proxy is the client', () => {
    expect(resolveClientAddress('10.0.0.5', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // The client prepended its own guesses; only the entry the proxy appended counts.
    expect(resolveClientAddress('10.0.0.5', '6.6.6.6, 7.7.7.7, 198.51.100.1', proxies)).toBe('198.51.100.1');
    // Two proxies in a row, the inner one in a trusted range.
    expect(resolveClientAddress('10.0.0.5', '6.6.6.6, 198.51.100.1, 192.168.4.4', proxies)).toBe('198.51.100.1');
    expect(resolveClientAddress('fd00::1', ['6.6.6.6', '[2001:db8::9]:443'], proxies)).toBe('2001:db8::9');
    // A trusted proxy that forwarded nothing: the proxy itself.
    expect(resolveClientAddress('10.0.0.5', undefined, proxies)).toBe('10.0.0.5');
  });

  it('one client gets one key however it writes its address', () => {
    expect(normalizeAddress('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(normalizeAddress('198.51.100.1:5555')).toBe('198.51.100.1');
    expect(normalizeAddress('[2001:DB8::9]:80')).toBe('2001:db8::9');
    expect(normalizeAddress('x'.repeat(500))).toHaveLength(64);
  });
});

describe('parseTrustedProxies', () => {
  it('matches addresses and ranges of both families, IPv4-mapped IPv6 too', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8,2001:db8::1');
    expect(trusted.has('10.200.1.1')).toBe(true);
    expect(trusted.has('::ffff:10.200.1.1')).toBe(true);
    expect(trusted.has('11.0.0.1')).toBe(false);
    expect(trusted.has('2001:db8::1')).toBe(true);
    expect(trusted.has('2001:db8::2')).toBe(false);
    expect(trusted.has('not-an-address')).toBe(false);
  });

  it('refuses what is not an address or a range', () => {
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/x', '::1/129']) {
      expect(() => parseTrustedProxies(bad)).toThrow(/TRUSTED_PROXIES/);
    }
  });
});
