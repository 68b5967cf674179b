// A sliding-window counter per key: at most `limit` events per key within `windowMs`; a refused
// key may go on once the oldest counted event leaves the window. The sign-in throttle (failures
// per email and per address), the sign-up throttle (accounts per address) and the sandbox
// creation throttle (sandboxes per account) are each one or two of these.
//
// Kept in memory: the web app is one process; a restart forgetting the counters only gives an
// attacker a fresh window (the restart is not theirs to trigger), and a database row per event
// would let an attacker turn their attempts into write load. With several web processes this
// would move to a shared store behind the same interface.

export interface RateLimitOptions {
  /** Events allowed per key within the window. */
  limit: number;
  windowMs: number;
  /** Keys tracked at most; beyond it the least recently counted are forgotten. */
  maxKeys: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  // key -> event times (ms), oldest first; a Map keeps insertion order for eviction.
  private readonly events = new Map<string, number[]>();

  constructor(readonly options: RateLimitOptions) {}

  /** Whether one more event for `key` is allowed now; refused: how long until it is. */
  check(key: string, now: number = Date.now()): RateDecision {
    const recent = this.recent(key, now);
    if (recent.length < this.options.limit) return { allowed: true };
    const oldestCounted = recent[recent.length - this.options.limit]!;
    return { allowed: false, retryAfterMs: oldestCounted + this.options.windowMs - now };
  }

  record(key: string, now: number = Date.now()): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.events.delete(key);
    this.events.set(key, recent.slice(-this.options.limit));
    while (this.events.size > this.options.maxKeys) {
      const oldest = this.events.keys().next().value;
      if (oldest === undefined) break;
      this.events.delete(oldest);
    }
  }

  /** check() and, when allowed, record() in one step: for counting attempts rather than failures. */
  take(key: string, now: number = Date.now()): RateDecision {
    const decision = this.check(key, now);
    if (decision.allowed) this.record(key, now);
    return decision;
  }

  clear(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.events.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
    if (times.length === 0) this.events.delete(key);
    return times;
  }
}

/** Whole minutes to wait, at least one: what a refusal tells a person. */
export function minutesToWait(decision: RateDecision): number {
  return decision.allowed ? 1 : Math.max(1, Math.ceil(decision.retryAfterMs / 60_000));
}

/** One limiter per name for the process (kept across hot reloads in development). */
export function processLimiter(name: string, options: RateLimitOptions): RateLimiter {
  const holder = globalThis as { kubelabRateLimiters?: Map<string, RateLimiter> };
  holder.kubelabRateLimiters ??= new Map();
  let limiter = holder.kubelabRateLimiters.get(name);
  if (!limiter) {
    limiter = new RateLimiter(options);
    holder.kubelabRateLimiters.set(name, limiter);
  }
  return limiter;
}
