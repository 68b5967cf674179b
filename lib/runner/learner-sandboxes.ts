// A learner's sandboxes as the web app keeps them: the runner's sandbox plus our row naming
// its user and exercise. Every change of state goes through here so the row follows the runner.
import type { Sandbox } from '@prisma/client';
import type { Db } from '../db';
import { markStarted } from '../progress/record';
import { liveSandboxFor } from '../progress/sandboxes';
import { RunnerClientError, type RunnerClient } from './client';
import type { RunnerSandbox } from './wire';

export type SandboxWithView = { row: Sandbox; view: RunnerSandbox };

function gone(row: Sandbox): RunnerSandbox {
  return { id: row.runnerId, state: 'deleted', provider: '', expiresAt: row.expiresAt.toISOString(), createdAt: row.createdAt.toISOString(), history: [] };
}

/** The runner's current view of a row's sandbox, written back to the row; a sandbox the runner lost reads as deleted. */
export async function refreshSandbox(db: Db, runner: RunnerClient, row: Sandbox): Promise<SandboxWithView> {
  let view: RunnerSandbox;
  try {
    view = await runner.getSandbox(row.runnerId, row.userId);
  } catch (error) {
    if (!(error instanceof RunnerClientError) || error.code !== 'sandbox_not_found') throw error;
    view = gone(row);
  }
  if (view.state !== row.state || view.expiresAt !== row.expiresAt.toISOString()) {
    row = await db.sandbox.update({ where: { id: row.id }, data: { state: view.state, expiresAt: new Date(view.expiresAt) } });
  }
  return { row, view };
}

/**
 * The learner's live sandbox for the exercise if the runner still has it, else a new one.
 *
 * One sandbox follows the learner's attention: opening a sandbox for this exercise ends the
 * ones they hold for other exercises (their attempts, points and hints stay). The runner's own
 * per-owner limit stays as the guard behind it; when the runner holds sandboxes this database
 * does not know (a lost row, a crash between create and insert), those are ended too and the
 * create is tried once more.
 */
export async function openSandbox(db: Db, runner: RunnerClient, userId: string, exercise: { id: string; ref: string }): Promise<SandboxWithView> {
  const existing = await currentSandbox(db, runner, userId, exercise.id);
  if (existing) return existing;
  await endOtherSandboxes(db, runner, userId, exercise.id);
  let view: RunnerSandbox;
  try {
    view = await runner.createSandbox(userId, exercise.ref);
  } catch (error) {
    if (!(error instanceof RunnerClientError) || error.code !== 'owner_limit_reached') throw error;
    for (const stray of await runner.listSandboxes(userId)) {
      if (stray.state !== 'provisioning' && stray.state !== 'ready') continue;
      await runner.deleteSandbox(stray.id, userId).catch((e: unknown) => {
        if (!(e instanceof RunnerClientError) || e.code !== 'sandbox_not_found') throw e;
      });
    }
    view = await runner.createSandbox(userId, exercise.ref);
  }
  const row = await db.sandbox.create({
    data: { runnerId: view.id, userId, exerciseId: exercise.id, state: view.state, expiresAt: new Date(view.expiresAt) },
  });
  await markStarted(db, userId, exercise.id);
  return { row, view };
}

/** The learner's live sandbox for the exercise, checked with the runner; null when there is none. */
export async function currentSandbox(db: Db, runner: RunnerClient, userId: string, exerciseId: string): Promise<SandboxWithView | null> {
  for (;;) {
    const row = await liveSandboxFor(db, userId, exerciseId);
    if (!row) return null;
    const fresh = await refreshSandbox(db, runner, row);
    if (fresh.view.state === 'provisioning' || fresh.view.state === 'ready') return fresh;
  }
}

/** Ends the learner's live sandboxes for every exercise but `keepExerciseId`. */
async function endOtherSandboxes(db: Db, runner: RunnerClient, userId: string, keepExerciseId: string): Promise<void> {
  const others = await db.sandbox.findMany({ where: { userId, state: { in: ['provisioning', 'ready'] }, exerciseId: { not: keepExerciseId } } });
  for (const row of others) await deleteSandbox(db, runner, row);
}

export async function deleteSandbox(db: Db, runner: RunnerClient, row: Sandbox): Promise<void> {
  try {
    await runner.deleteSandbox(row.runnerId, row.userId);
  } catch (error) {
    if (!(error instanceof RunnerClientError) || error.code !== 'sandbox_not_found') throw error;
  }
  await db.sandbox.update({ where: { id: row.id }, data: { state: 'deleted' } });
}
