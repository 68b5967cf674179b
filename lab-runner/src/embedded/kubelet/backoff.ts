// The kubelet's restart back-off: the first restart is immediate, then 10 s, doubling to
// 5 min; a container that ran for 10 min without failing starts again from the beginning.

const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const RESET_AFTER_MS = 2 * BACKOFF_MAX_MS;

export class Backoff {
  private readonly entries = new Map<string, { delayMs: number; lastRestart: number }>();

  constructor(
    private readonly initialMs = BACKOFF_INITIAL_MS,
    private readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /** Milliseconds still to wait before `key` may restart (0: restart now). */
  remaining(key: string, now = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.lastRestart + entry.delayMs - now);
  }

  /** The delay that applies to `key` now, for messages like "back-off 20s". */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records a restart of `key` at `now` and lengthens the next wait. `ranMs` is how long the last run lasted. */
  next(key: string, now = Date.now(), ranMs = 0): void {
    const entry = this.entries.get(key);
    if (!entry || ranMs >= RESET_AFTER_MS) {
      this.entries.set(key, { delayMs: this.initialMs, lastRestart: now });
      return;
    }
    this.entries.set(key, { delayMs: Math.min(entry.delayMs * 2, this.maxMs), lastRestart: now });
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m}m0s` : `${m}m${s % 60}s`;
}
