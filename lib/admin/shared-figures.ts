// The progress dashboard's course-wide figures (funnels, time to complete, hint use) aggregate
// every learner's progress: a few hundred milliseconds of database work at 10,000 learners.
// Admins opening the same dashboard share one computation, reused for at most MAX_AGE_MS and
// shown with the time it was made, so the figures are honest about their age. Kept on
// globalThis: Next bundles this module into several server chunks, each with its own state.

export const FIGURES_MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 200;

interface Entry {
  at: Date;
  value: Promise<unknown>;
}

const STORE = Symbol.for('kubelab.admin.sharedFigures');

function store(): Map<string, Entry> {
  const holder = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
  return (holder[STORE] ??= new Map());
}

/**
 * The figures under `key`: the ones computed (or being computed) less than `maxAgeMs` ago, else
 * a new computation that concurrent callers join. A failed computation is forgotten at once.
 */
export async function sharedFigures<T>(key: string, compute: () => Promise<T>, now = new Date(), maxAgeMs = FIGURES_MAX_AGE_MS): Promise<{ value: T; at: Date }> {
  const entries = store();
  let entry = entries.get(key);
  if (!entry || now.getTime() - entry.at.getTime() >= maxAgeMs) {
    const value = compute();
    entry = { at: now, value };
    entries.delete(key);
    entries.set(key, entry);
    // Oldest first in a Map's order: a bounded number of course and group combinations.
    while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    const made = entry;
    value.catch(() => {
      if (entries.get(key) === made) entries.delete(key);
    });
  }
  return { value: (await entry.value) as T, at: entry.at };
}
