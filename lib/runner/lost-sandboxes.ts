// Sandboxes on a runner that stopped answering are "lost": the learner's page says so and offers a
// new sandbox (attempts, points and progress are rows of their own and stay). When the runner
// answers again, each lost sandbox it still holds is taken back, unless its learner has started
// another since (then the old one is ended, so a learner never holds two).
import type { Db } from '../db';
import { RunnerClientError, type RunnerClient } from './client';

/** Why a lost sandbox ended, as the row keeps it (the learner's page words it). */
export const RUNNER_LOST = 'runner_lost';

const LIVE = ['provisioning', 'ready'];

/** Whether the learner's newest sandbox for the exercise was lost with its runner (the page says so rather than starting another unasked). */
export async function lostSandboxFor(db: Db, userId: string, exerciseId: string): Promise<boolean> {
  const newest = await db.sandbox.findFirst({ where: { userId, exerciseId, purpose: 'learn' }, orderBy: { createdAt: 'desc' }, select: { state: true } });
  return newest?.state === 'lost';
}

export async function markSandboxesLost(db: Db, runnerId: string): Promise<number> {
  const { count } = await db.sandbox.updateMany({ where: { hostRunnerId: runnerId, state: { in: LIVE } }, data: { state: 'lost', endReason: RUNNER_LOST } });
  return count;
}

export async function findLostSandboxesAgain(db: Db, runner: { id: string; client: RunnerClient }): Promise<void> {
  const lost = await db.sandbox.findMany({ where: { hostRunnerId: runner.id, state: 'lost' } });
  for (const row of lost) {
    const view = await runner.client.getSandbox(row.runnerId, row.userId).catch((error: unknown) => {
      if (error instanceof RunnerClientError && (error.code === 'sandbox_not_found' || error.code === 'forbidden')) return null;
      throw error;
    });
    if (!view || !LIVE.includes(view.state)) {
      await db.sandbox.update({ where: { id: row.id }, data: { state: 'deleted' } });
      continue;
    }
    const replaced = await db.sandbox.count({ where: { userId: row.userId, purpose: row.purpose, state: { in: LIVE }, createdAt: { gt: row.createdAt } } });
    if (replaced > 0) {
      await runner.client.deleteSandbox(row.runnerId, row.userId).catch((error: unknown) => {
        if (!(error instanceof RunnerClientError) || error.code !== 'sandbox_not_found') throw error;
      });
      await db.sandbox.update({ where: { id: row.id }, data: { state: 'deleted' } });
      continue;
    }
    await db.sandbox.update({ where: { id: row.id }, data: { state: view.state, expiresAt: new Date(view.expiresAt), endReason: null } });
  }
}
