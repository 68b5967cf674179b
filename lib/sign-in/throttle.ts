// Throttling of failed sign-ins, per email and per client address: after `maxFailures` failures
// within `windowMs`, a key is refused until the oldest of those failures leaves the window.
// Kept in memory: the web app is one process, a restart forgetting the counters only gives an
// attacker a fresh 5 tries (the restart is not theirs to trigger), and a database row per failed
// attempt would let an attacker turn guessing into write load. With several web processes this
// would move to the database (or a shared store) behind the same interface.

export interface ThrottleOptions {
  /** Failures allowed per email, and per client address, within the window. */
  maxFailuresPerEmail: number;
  maxFailuresPerAddress: number;
  windowMs: number;
  /** Keys tracked at most; beyond it the least recently failed are forgotten. */
  maxKeys: number;
}

// An address gets more room than an email: a classroom signs in from behind one NAT address,
// while one email has one owner who knows the password.
export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailuresPerEmail: 5, maxFailuresPerAddress: 20, windowMs: 15 * 60_000, maxKeys: 10_000 };

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Who a sign-in is for and where it comes from. */
export interface SignInSource {
  email: string;
  address: string;
}

export class SignInThrottle {
  // key -> failure times (ms), oldest first; a Map keeps insertion order for eviction.
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  /** Whether a sign-in may be tried now; refused: how long until it may. */
  check(source: SignInSource, now: number = Date.now()): ThrottleDecision {
    let retryAfterMs = 0;
    for (const { key, limit } of this.keys(source)) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const oldestCounted = recent[recent.length - limit]!;
        retryAfterMs = Math.max(retryAfterMs, oldestCounted + this.options.windowMs - now);
      }
    }
    return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
  }

  recordFailure(source: SignInSource, now: number = Date.now()): void {
    for (const { key, limit } of this.keys(source)) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.delete(key);
      this.failures.set(key, recent.slice(-limit));
    }
    while (this.failures.size > this.options.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** A successful sign-in clears the failures of its email and its address. */
  reset(source: SignInSource): void {
    for (const { key } of this.keys(source)) this.failures.delete(key);
  }

  private keys(source: SignInSource) {
    return [
      { key: `email:${source.email.trim().toLowerCase()}`, limit: this.options.maxFailuresPerEmail },
      { key: `address:${source.address}`, limit: this.options.maxFailuresPerAddress },
    ];
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}

/**
 * The client's address from the request headers. Next.js sets x-forwarded-for from the socket
 * when there is no proxy in front; the last entry is the one added by the hop nearest to us, so
 * a client cannot choose it by sending its own header.
 */
export function clientAddressFrom(headers: { get(name: string): string | null }): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
  return last ?? headers.get('x-real-ip')?.trim() ?? 'unknown';
}

/** The process's one throttle (kept across hot reloads in development). */
export function signInThrottle(): SignInThrottle {
  const holder = globalThis as { kubelabSignInThrottle?: SignInThrottle };
  holder.kubelabSignInThrottle ??= new SignInThrottle();
  return holder.kubelabSignInThrottle;
}
