import { describe, expect, it } from 'vitest';
import { signUpLimiter } from './abuse-limits';
import { RateLimiter, minutesToWait } from './rate-limit';

const MIN = 60_000;

describe('RateLimiter', () => {
  it('take() allows `limit` events per key in the window, then says how long until the oldest leaves it', () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 10 * MIN, maxKeys: 100 });
    for (let i = 0; i < 3; i++) expect(limiter.take('a', i * MIN)).toEqual({ allowed: true });
    expect(limiter.take('a', 4 * MIN)).toEqual({ allowed: false, retryAfterMs: 6 * MIN });
    // A refused attempt is not counted: the wait does not grow by trying.
    expect(limiter.take('a', 5 * MIN)).toEqual({ allowed: false, retryAfterMs: 5 * MIN });
    expect(limiter.take('a', 10 * MIN)).toEqual({ allowed: true });
    expect(limiter.take('b', 5 * MIN)).toEqual({ allowed: true });
  });

  it('tells a person whole minutes, at least one', () => {
    expect(minutesToWait({ allowed: false, retryAfterMs: 1 })).toBe(1);
    expect(minutesToWait({ allowed: false, retryAfterMs: 61 * 1000 })).toBe(2);
  });
});

describe('sign-up per address', () => {
  it('refuses the 21st sign-up from one address within the hour, not another address', () => {
    const limiter = new RateLimiter(signUpLimiter(20).options);
    for (let i = 0; i < 20; i++) expect(limiter.take('203.0.113.7', i * MIN).allowed).toBe(true);
    const refused = limiter.take('203.0.113.7', 30 * MIN);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 30 * MIN });
    expect(limiter.take('198.51.100.1', 30 * MIN).allowed).toBe(true);
    expect(limiter.take('203.0.113.7', 60 * MIN).allowed).toBe(true);
  });
});
