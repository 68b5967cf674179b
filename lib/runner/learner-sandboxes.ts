// A learner's sandboxes as the web app keeps them: the runner's sandbox plus our row naming
// its user and exercise. Every change of state goes through here so the row follows the runner.
import type { Sandbox } from '@prisma/client';
import type { Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { runnerExercise } from '../content/queries';
import type { RateDecision } from '../rate-limit';
import { markStarted } from '../progress/record';
import { liveSandboxFor } from '../progress/sandboxes';
import { RunnerClientError, type RunnerClient } from './client';
import { RUNNER_LOST } from './lost-sandboxes';
import { createOnBestRunner } from './placement';
import type { RunnerRegistry } from './runner-registry';
import type { RunnerSandbox } from './wire';

export type SandboxWithView = { row: Sandbox; view: RunnerSandbox };

function gone(row: Sandbox): RunnerSandbox {
  return {
    id: row.runnerId,
    state: 'deleted',
    provider: '',
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    history: [],
    ...(row.endReason ? { endReason: row.endReason } : {}),
  };
}

/**
 * The holding runner's current view of a row's sandbox, written back to the row. A sandbox the
 * runner forgot reads as deleted; one on a runner that is down reads as deleted for "runner_lost".
 */
export async function refreshSandbox(db: Db, runners: RunnerRegistry, row: Sandbox): Promise<SandboxWithView> {
  let view: RunnerSandbox;
  try {
    view = await runners.onHost(db, row, (client) => client.getSandbox(row.runnerId, row.userId));
  } catch (error) {
    if (!(error instanceof RunnerClientError)) throw error;
    if (error.code === 'sandbox_lost') {
      // Usually the check that found the runner down wrote this already; written here too so the
      // row never stays live (a runner no longer configured is never checked). A runner that
      // answers again finds it again on its next check.
      const lost = await db.sandbox.update({ where: { id: row.id }, data: { state: 'lost', endReason: RUNNER_LOST } });
      return { row: lost, view: gone(lost) };
    }
    if (error.code !== 'sandbox_not_found') throw error;
    view = gone(row);
  }
  if (view.state !== row.state || view.expiresAt !== row.expiresAt.toISOString()) {
    row = await db.sandbox.update({
      where: { id: row.id },
      data: { state: view.state, expiresAt: new Date(view.expiresAt), ...(view.endReason && !row.endReason ? { endReason: view.endReason } : {}) },
    });
  }
  // The row knows why when the runner has forgotten (an admin's termination is written to both).
  if (!view.endReason && row.endReason && view.state === 'deleted') view = { ...view, endReason: row.endReason };
  return { row, view };
}

/** A new sandbox was refused by the per-account creation limit. */
export class SandboxCreationThrottled extends Error {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterMs: number) {
    super(`too many sandboxes started recently; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/**
 * The learner's live sandbox for the exercise if the runner still has it, else a new one on the
 * current version (the row remembers which: checks grade against it).
 *
 * One sandbox follows the learner's attention: opening a sandbox for this exercise ends the
 * ones they hold for other exercises (their attempts, points and hints stay). The runner's own
 * per-owner limit stays as the guard behind it; when the runner holds sandboxes this database
 * does not know (a lost row, a crash between create and insert), those are ended too and the
 * create is tried once more. A new sandbox is made only if `admitCreation` (counting creations
 * per account) lets it.
 */
export async function openSandbox(
  db: Db,
  runners: RunnerRegistry,
  userId: string,
  exercise: { id: string; ref: string; origin: string; versionId: string; spec: Exercise },
  admitCreation: () => RateDecision = () => ({ allowed: true }),
): Promise<SandboxWithView> {
  const existing = await currentSandbox(db, runners, userId, exercise.id);
  if (existing) return existing;
  // Counted before anything is ended: a refused creation leaves the learner's other sandboxes alone.
  const admitted = admitCreation();
  if (!admitted.allowed) throw new SandboxCreationThrottled(admitted.retryAfterMs);
  await endOtherSandboxes(db, runners, userId, exercise.id);
  const { value: view, host } = await createOnBestRunner(db, runners, (client) => createClearingStrays(client, userId, runnerExercise(exercise, exercise.spec)));
  const row = await db.sandbox.create({
    data: {
      runnerId: view.id,
      hostRunnerId: host.id,
      userId,
      exerciseId: exercise.id,
      exerciseVersionId: exercise.versionId,
      state: view.state,
      expiresAt: new Date(view.expiresAt),
    },
  });
  await markStarted(db, userId, exercise.id);
  return { row, view };
}

/** A create on `client`; sandboxes this database does not know that fill the owner's limit there are ended and the create tried once more. */
async function createClearingStrays(client: RunnerClient, userId: string, exercise: ReturnType<typeof runnerExercise>): Promise<RunnerSandbox> {
  try {
    return await client.createSandbox(userId, exercise);
  } catch (error) {
    if (!(error instanceof RunnerClientError) || error.code !== 'owner_limit_reached') throw error;
    for (const stray of await client.listSandboxes(userId)) {
      if (stray.state !== 'provisioning' && stray.state !== 'ready') continue;
      await client.deleteSandbox(stray.id, userId).catch((e: unknown) => {
        if (!(e instanceof RunnerClientError) || e.code !== 'sandbox_not_found') throw e;
      });
    }
    return client.createSandbox(userId, exercise);
  }
}

/** The learner's live sandbox for the exercise, checked with its runner; null when there is none. */
export async function currentSandbox(db: Db, runners: RunnerRegistry, userId: string, exerciseId: string): Promise<SandboxWithView | null> {
  for (;;) {
    const row = await liveSandboxFor(db, userId, exerciseId);
    if (!row) return null;
    const fresh = await refreshSandbox(db, runners, row);
    if (fresh.view.state === 'provisioning' || fresh.view.state === 'ready') return fresh;
  }
}

/** Ends the learner's live sandboxes for every exercise but `keepExerciseId`. */
async function endOtherSandboxes(db: Db, runners: RunnerRegistry, userId: string, keepExerciseId: string): Promise<void> {
  const others = await db.sandbox.findMany({ where: { userId, state: { in: ['provisioning', 'ready'] }, exerciseId: { not: keepExerciseId } } });
  for (const row of others) await deleteSandbox(db, runners, row);
}

/** Ends the sandbox on its runner and in the row; a lost sandbox is ended in the row only (its runner is down). */
export async function deleteSandbox(db: Db, runners: RunnerRegistry, row: Sandbox): Promise<void> {
  try {
    await runners.onHost(db, row, (client) => client.deleteSandbox(row.runnerId, row.userId));
  } catch (error) {
    if (!(error instanceof RunnerClientError) || (error.code !== 'sandbox_not_found' && error.code !== 'sandbox_lost')) throw error;
  }
  await db.sandbox.update({ where: { id: row.id }, data: { state: 'deleted' } });
}
