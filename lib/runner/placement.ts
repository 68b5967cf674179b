// Where a new sandbox goes: the runner that is up with the most free slots (by its last
// capacity answer, at most RUNNER_CHECK_SECONDS old). A runner that turns out unreachable or
// full on the way is skipped for the next best, so one bad runner never fails a learner's start.
import type { Runner } from '@prisma/client';
import type { Db } from '../db';
import { RunnerClientError, type RunnerClient } from './client';
import type { RegisteredRunner, RunnerRegistry } from './runner-registry';

/** The runners a new sandbox may go to, best first: up, with a free slot, most free slots first (ties: configuration order). */
export function placementOrder(rows: Runner[]): Runner[] {
  return rows
    .map((row, order) => ({ row, order }))
    .filter(({ row }) => row.state === 'up' && (row.freeSlots ?? 0) > 0)
    .sort((a, b) => (b.row.freeSlots ?? 0) - (a.row.freeSlots ?? 0) || a.order - b.order)
    .map(({ row }) => row);
}

/** Runs `create` on the best runner, falling back to the next when one is unreachable or full. */
export async function createOnBestRunner<T>(db: Db, registry: RunnerRegistry, create: (client: RunnerClient) => Promise<T>): Promise<{ value: T; host: RegisteredRunner }> {
  const all = await registry.runners(db);
  const tried = new Set<string>();
  for (;;) {
    const rows = await registry.current(db);
    const best = placementOrder(rows).find((r) => !tried.has(r.id));
    if (!best) {
      if (rows.some((r) => r.state === 'up')) throw new RunnerClientError('at_capacity', 503, 'every lab runner is full; try again in a few minutes');
      throw new RunnerClientError('runner_unreachable', 503, 'no lab runner is answering; try again in a few minutes');
    }
    tried.add(best.id);
    const host = all.find((r) => r.id === best.id);
    if (!host) throw new Error(`runner ${best.url} has a row but no client`);
    try {
      const value = await create(host.client);
      await registry.tookSlot(db, host.id);
      return { value, host };
    } catch (error) {
      if (!(error instanceof RunnerClientError)) throw error;
      if (error.code === 'runner_unreachable') await registry.check(db, host);
      else if (error.code === 'at_capacity') await db.runner.update({ where: { id: host.id }, data: { freeSlots: 0 } });
      else throw error;
    }
  }
}
