// The sandbox fleet as admins see it: every registered runner's health and capacity (its Runner
// row, checked now, and its Prometheus metrics) and every live sandbox with its owner, exercise, age, idle time and CPU /
// memory use; and terminating a learner's sandbox (the learner's page says an admin ended it,
// their attempts and progress stay).
import 'server-only';
import type { Db } from '../db';
import { runners, RunnerClientError, type RegisteredRunner, type RunnerRegistry } from '../runner';
import type { RunnerFleet } from '../runner/wire';
import { audit, type AuditActor } from './audit';
import { histogramQuantile, parsePrometheusText, sumOf } from './prometheus';

/** A runner as the fleet view names it: its host and port. */
const nameOf = (url: string) => new URL(url).host;

export interface RunnerHealth {
  name: string;
  url: string;
  reachable: boolean;
  error: string | null;
  /** From the runner's registration row: its last capacity answer and when it last answered. */
  freeSlots: number | null;
  lastSeenAt: string | null;
  provider: string | null;
  /** Sandboxes by state; `warm` are the pool's, ready and unclaimed. */
  counts: Record<string, number>;
  maxSandboxes: number | null;
  warmPoolTarget: number | null;
  createP50Seconds: number | null;
  createP95Seconds: number | null;
  creates: number;
  createFailures: number;
  engineErrors: number;
  residentMemoryBytes: number | null;
}

/** One runner's health, summarised from its metrics (the counts from its fleet answer). */
export function summariseRunner(
  entry: { name: string; url: string; freeSlots: number | null; lastSeenAt: string | null },
  metricsText: string,
  fleet: Pick<RunnerFleet, 'provider' | 'counts'>,
): RunnerHealth {
  const samples = parsePrometheusText(metricsText);
  return {
    ...entry,
    reachable: true,
    error: null,
    provider: fleet.provider,
    counts: fleet.counts,
    maxSandboxes: sumOf(samples, 'kubelab_sandbox_capacity', { limit: 'max_sandboxes' }) ?? null,
    warmPoolTarget: sumOf(samples, 'kubelab_sandbox_capacity', { limit: 'warm_pool' }) ?? null,
    createP50Seconds: histogramQuantile(samples, 'kubelab_sandbox_create_seconds', 0.5),
    createP95Seconds: histogramQuantile(samples, 'kubelab_sandbox_create_seconds', 0.95),
    creates: sumOf(samples, 'kubelab_sandbox_create_seconds_count') ?? 0,
    createFailures: sumOf(samples, 'kubelab_sandbox_create_failures_total') ?? 0,
    engineErrors: sumOf(samples, 'kubelab_engine_errors_total') ?? 0,
    residentMemoryBytes: sumOf(samples, 'kubelab_runner_process_resident_memory_bytes') ?? null,
  };
}

export interface FleetSandboxRow {
  runner: string;
  runnerSandboxId: string;
  /** The web app's Sandbox row, when the sandbox belongs to a learner the app knows. */
  rowId: string | null;
  owner: { id: string; name: string; email: string } | null;
  exercise: string | null;
  state: string;
  createdAt: string;
  lastActiveAt: string | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
}

export async function fleetView(db: Db, registry: RunnerRegistry = runners()): Promise<{ runners: RunnerHealth[]; sandboxes: FleetSandboxRow[] }> {
  const registered = await registry.runners(db);
  // Checked now, so the page and the learners' lost-sandbox notices agree on who is down.
  const health = await registry.checkAll(db);
  const results = await Promise.all(
    registered.map(async (runner, i) => {
      const row = health[i];
      const entry = { name: nameOf(runner.url), url: runner.url, freeSlots: row?.freeSlots ?? null, lastSeenAt: row?.lastSeenAt?.toISOString() ?? null };
      try {
        if (row?.state !== 'up') throw new RunnerClientError(row?.lastHealth ?? 'runner_unreachable', 503, `${runner.url} is down`);
        const [fleet, metrics] = await Promise.all([runner.client.fleet(), runner.client.metricsText()]);
        return { entry, fleet, health: summariseRunner(entry, metrics, fleet) };
      } catch (error) {
        const health: RunnerHealth = {
          ...entry,
          reachable: false,
          error: error instanceof RunnerClientError ? error.code : 'runner_unreachable',
          provider: null,
          counts: {},
          maxSandboxes: null,
          warmPoolTarget: null,
          createP50Seconds: null,
          createP95Seconds: null,
          creates: 0,
          createFailures: 0,
          engineErrors: 0,
          residentMemoryBytes: null,
        };
        return { entry, fleet: null, health };
      }
    }),
  );
  const live = results.flatMap((r) => (r.fleet ? r.fleet.sandboxes.map((s) => ({ runner: r.entry.name, s })) : []));
  const rows = live.length
    ? await db.sandbox.findMany({
        where: { runnerId: { in: live.map((l) => l.s.id) } },
        select: { id: true, runnerId: true, exercise: { select: { ref: true } }, user: { select: { id: true, name: true, email: true } } },
      })
    : [];
  const byRunnerId = new Map(rows.map((r) => [r.runnerId, r]));
  const sandboxes = live
    .map(({ runner: name, s }): FleetSandboxRow => {
      const row = byRunnerId.get(s.id);
      return {
        runner: name,
        runnerSandboxId: s.id,
        rowId: row?.id ?? null,
        owner: row?.user ?? null,
        exercise: row?.exercise.ref ?? s.exercise ?? null,
        state: s.state,
        createdAt: s.createdAt ?? s.history[0]?.at ?? new Date().toISOString(),
        lastActiveAt: s.lastActiveAt ?? null,
        cpuPercent: s.usage?.cpuPercent ?? null,
        memoryBytes: s.usage?.memoryBytes ?? null,
        memoryLimitBytes: s.usage?.memoryLimitBytes ?? null,
      };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { runners: results.map((r) => r.health), sandboxes };
}

export type TerminateResult = { ok: true } | { ok: false; reason: 'not_found' | 'runner_failed' };

/**
 * Ends a sandbox for an admin, on whichever runner holds it. The row keeps the reason so the
 * learner's page can say an admin ended it; attempts and progress are untouched.
 */
export async function terminateSandbox(db: Db, actor: AuditActor, runnerSandboxId: string, registry: RunnerRegistry = runners()): Promise<TerminateResult> {
  const row = await db.sandbox.findUnique({ where: { runnerId: runnerSandboxId }, select: { id: true, userId: true, hostRunnerId: true } });
  let ended = false;
  // The row's runner first; a sandbox the app does not know is looked for on each.
  const all = await registry.runners(db);
  const order: RegisteredRunner[] = row?.hostRunnerId ? [...all.filter((r) => r.id === row.hostRunnerId), ...all.filter((r) => r.id !== row.hostRunnerId)] : all;
  for (const entry of order) {
    try {
      await entry.client.terminateSandbox(runnerSandboxId);
      ended = true;
      break;
    } catch (error) {
      if (error instanceof RunnerClientError && error.code === 'sandbox_not_found') continue;
      return { ok: false, reason: 'runner_failed' };
    }
  }
  if (!ended && !row) return { ok: false, reason: 'not_found' };
  if (row) await db.sandbox.update({ where: { id: row.id }, data: { state: 'deleted', endReason: 'ended_by_admin' } });
  await audit(db, actor, { action: 'sandbox.terminate', target: runnerSandboxId, detail: { owner: row?.userId ?? null } });
  return { ok: true };
}
