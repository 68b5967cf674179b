// Reading a lab-runner's Prometheus text exposition (format 0.0.4): samples by name and labels,
// and quantiles from a histogram's cumulative buckets, interpolated within the bucket the way
// PromQL's histogram_quantile does. Only what the fleet view needs; the runner's metric names
// are in lab-runner/src/metrics.ts.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

/** The sum of every sample named `name` whose labels include `where`; undefined when there is none. */
export function sumOf(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number | undefined {
  const matching = samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  return matching.length ? matching.reduce((sum, s) => sum + s.value, 0) : undefined;
}

/**
 * The q-quantile (0..1) of histogram `name` (all label sets added together), or null when it
 * has no observations. Within a bucket the value is interpolated linearly; in the +Inf bucket
 * it is the highest finite bound.
 */
export function histogramQuantile(samples: readonly Sample[], name: string, q: number): number | null {
  const buckets = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (bound === Infinity) return previousBound;
      const inBucket = cumulative - previousCount;
      return inBucket === 0 ? bound : previousBound + (bound - previousBound) * ((rank - previousCount) / inBucket);
    }
    previousBound = bound;
    previousCount = cumulative;
  }
  return previousBound;
}
