import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, resolveClientAddress } from '../client-address';
import { SignInThrottle } from './throttle';

const MIN = 60_000;
const options = { maxFailuresPerEmail: 5, maxFailuresPerAddress: 8, windowMs: 15 * MIN, maxKeys: 100 };
const from = (email: string, address: string) => ({ email, address });

describe('SignInThrottle', () => {
  it('refuses an email after 5 failures within 15 minutes, until the oldest counted failure leaves the window', () => {
    const throttle = new SignInThrottle(options);
    const source = from('Ada@Example.test', '10.0.0.1');
    for (let i = 0; i < 4; i++) throttle.recordFailure(source, i * MIN);
    expect(throttle.check(source, 4 * MIN)).toEqual({ allowed: true });
    throttle.recordFailure(source, 4 * MIN);
    expect(throttle.check(source, 5 * MIN)).toEqual({ allowed: false, retryAfterMs: 10 * MIN });
    expect(throttle.check(source, 15 * MIN - 1)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(throttle.check(source, 15 * MIN)).toEqual({ allowed: true });
  });

  it('refuses one email guessed from many addresses, from a fresh address too (case-insensitive)', () => {
    const throttle = new SignInThrottle(options);
    for (let i = 0; i < 5; i++) throttle.recordFailure(from('target@example.test', `10.0.1.${i}`), 0);
    expect(throttle.check(from('TARGET@example.test', '10.0.2.1'), MIN).allowed).toBe(false);
    expect(throttle.check(from('other@example.test', '10.0.1.0'), MIN).allowed).toBe(true);
  });

  it('refuses an address trying many emails, whatever the email', () => {
    const throttle = new SignInThrottle(options);
    for (let i = 0; i < 8; i++) throttle.recordFailure(from(`user${i}@example.test`, '10.0.0.1'), 0);
    expect(throttle.check(from('someone-else@example.test', '10.0.0.1'), MIN).allowed).toBe(false);
    expect(throttle.check(from('user0@example.test', '10.0.0.2'), MIN).allowed).toBe(true);
  });

  it('a success resets its email and address', () => {
    const throttle = new SignInThrottle(options);
    const source = from('ada@example.test', '10.0.0.1');
    for (let i = 0; i < 5; i++) throttle.recordFailure(source, 0);
    throttle.reset(source);
    expect(throttle.check(source, 1)).toEqual({ allowed: true });
  });

  it('forgets the least recently failed keys beyond maxKeys', () => {
    const throttle = new SignInThrottle({ ...options, maxKeys: 2 });
    for (let i = 0; i < 5; i++) throttle.recordFailure(from('first@example.test', '10.0.0.1'), 0);
    for (let i = 0; i < 2; i++) throttle.recordFailure(from(`other-${i}@example.test`, `10.0.0.${i + 2}`), 1);
    expect(throttle.check(from('first@example.test', '10.0.0.9'), 2)).toEqual({ allowed: true });
  });

  it('counts an attacker who forges X-Forwarded-For on every try as one address, unless a trusted proxy wrote it', () => {
    const throttle = new SignInThrottle(options);
    const attacker = '203.0.113.7';
    const noProxies = parseTrustedProxies(undefined);
    for (let i = 0; i < 8; i++) {
      const address = resolveClientAddress(attacker, `198.51.100.${i}`, noProxies);
      throttle.recordFailure(from(`user${i}@example.test`, address), 0);
    }
    expect(throttle.check(from('fresh@example.test', resolveClientAddress(attacker, '198.51.100.99', noProxies)), MIN).allowed).toBe(false);

    // Behind a trusted proxy, the address the proxy appended is the client: two clients, two keys.
    const proxy = parseTrustedProxies('10.0.0.5');
    const behindProxy = new SignInThrottle(options);
    for (let i = 0; i < 8; i++) {
      behindProxy.recordFailure(from(`user${i}@example.test`, resolveClientAddress('10.0.0.5', `1.2.3.4, ${attacker}`, proxy)), 0);
    }
    expect(behindProxy.check(from('fresh@example.test', resolveClientAddress('10.0.0.5', attacker, proxy)), MIN).allowed).toBe(false);
    expect(behindProxy.check(from('fresh@example.test', resolveClientAddress('10.0.0.5', '198.51.100.1', proxy)), MIN).allowed).toBe(true);
  });
});
