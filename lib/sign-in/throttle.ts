// Throttling of failed sign-ins, per email and per client address: after `maxFailures` failures
// within `windowMs`, a key is refused until the oldest of those failures leaves the window.
// The address is the real peer (lib/client-address.ts), never a header the client chose.
import { RateLimiter, type RateDecision } from '../rate-limit';

export interface ThrottleOptions {
  /** Failures allowed per email, and per client address, within the window. */
  maxFailuresPerEmail: number;
  maxFailuresPerAddress: number;
  windowMs: number;
  /** Keys tracked at most (each of email and address); beyond it the least recently failed are forgotten. */
  maxKeys: number;
}

// An address gets more room than an email: a classroom signs in from behind one NAT address,
// while one email has one owner who knows the password.
export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailuresPerEmail: 5, maxFailuresPerAddress: 20, windowMs: 15 * 60_000, maxKeys: 10_000 };

export type ThrottleDecision = RateDecision;

/** Who a sign-in is for and where it comes from. */
export interface SignInSource {
  email: string;
  address: string;
}

export class SignInThrottle {
  private readonly byEmail: RateLimiter;
  private readonly byAddress: RateLimiter;

  constructor(options: ThrottleOptions = DEFAULT_THROTTLE) {
    this.byEmail = new RateLimiter({ limit: options.maxFailuresPerEmail, windowMs: options.windowMs, maxKeys: options.maxKeys });
    this.byAddress = new RateLimiter({ limit: options.maxFailuresPerAddress, windowMs: options.windowMs, maxKeys: options.maxKeys });
  }

  /** Whether a sign-in may be tried now; refused: how long until it may. */
  check(source: SignInSource, now: number = Date.now()): ThrottleDecision {
    let retryAfterMs = 0;
    for (const [limiter, key] of this.keys(source)) {
      const decision = limiter.check(key, now);
      if (!decision.allowed) retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs);
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
  }

  recordFailure(source: SignInSource, now: number = Date.now()): void {
    for (const [limiter, key] of this.keys(source)) limiter.record(key, now);
  }

  /** A successful sign-in clears the failures of its email and its address. */
  reset(source: SignInSource): void {
    for (const [limiter, key] of this.keys(source)) limiter.clear(key);
  }

  private keys(source: SignInSource): [RateLimiter, string][] {
    return [
      [this.byEmail, source.email.trim().toLowerCase()],
      [this.byAddress, source.address],
    ];
  }
}

/** The process's one throttle (kept across hot reloads in development). */
export function signInThrottle(): SignInThrottle {
  const holder = globalThis as { kubelabSignInThrottle?: SignInThrottle };
  holder.kubelabSignInThrottle ??= new SignInThrottle();
  return holder.kubelabSignInThrottle;
}
