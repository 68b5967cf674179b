// The exercise page's reading of a learner's own work on real databases (SQLite and PostgreSQL,
// committed migrations, the repository's exercises/): it skips the reads of what the learner has
// none of, so each kind of work recorded through lib/progress must show on the very next read.
// A miscounted kind would hide that work from the page, and this test would fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContentFromDir } from '../content/load-and-sync';
import { findExercise, type PublishedExercise } from '../content/queries';
import { createDb, type Db } from '../db/client';
import type { DatabaseTarget } from '../db/database-url';
import { applyMigrations } from '../db/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../db/throwaway-postgres';
import { markStarted, recordAttempt, recordQuizAnswer, recordReveal } from '../progress/record';
import { gradeQuiz } from '../quiz/grade';
import { RunnerRegistry } from '../runner/runner-registry';
import { exerciseActivity, exerciseWork } from './exercise-work';

const root = path.resolve(__dirname, '..', '..');

describe.each(['sqlite', 'postgresql'] as const)("a learner's work on an exercise on %s", (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let db: Db;
  let exercise: PublishedExercise;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-exercise-work-'));
    pg = kind === 'postgresql' ? startThrowawayPostgres() : undefined;
    const target: DatabaseTarget = pg ? { kind: 'postgresql', url: pg.url } : { kind: 'sqlite', file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await syncContentFromDir(db, path.join(root, 'exercises'));
    exercise = (await findExercise(db, 'counter-emptydir'))!;
    expect(exercise.spec.quiz).toBeTruthy();
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const learner = async (email: string) => (await db.user.create({ data: { email, name: email, passwordHash: 'x' } })).id;
  // Nothing here may reach a runner (none listens there): the learner's only sandbox row is a lost one.
  const absentRunner = new RunnerRegistry([{ url: 'http://127.0.0.1:9', token: 'test-token-0123456789' }], 0);
  const read = (userId: string) => exerciseWork(db, absentRunner, userId, exercise, 20);

  it('reads nothing for an exercise the learner has not touched', async () => {
    const userId = await learner('new@example.test');
    expect(await exerciseActivity(db, userId, exercise.id, exercise.versionId)).toEqual({ sandboxes: 0, attempts: 0, hints: 0, solutions: 0, progress: 0, quizAnswers: 0 });
    const work = await read(userId);
    expect(await work.sandbox()).toBeNull();
    expect(await work.lostSandbox()).toBe(false);
    expect(work.attempts).toEqual([]);
    expect([...work.hints.values()].every((h) => h.length === 0)).toBe(true);
    expect(work.solutionShown).toBe(false);
    expect(work.progress).toBeNull();
    expect(work.lastQuizAnswer).toBeNull();
  });

  it('shows each kind of work on the next read once it is recorded', async () => {
    const userId = await learner('busy@example.test');
    const firstCheck = exercise.spec.checks[0]!;

    await markStarted(db, userId, exercise.id);
    expect((await read(userId)).progress?.status).toBe('in_progress');

    await recordReveal(db, userId, exercise.id, 'hint', 0);
    expect((await read(userId)).hints.get(firstCheck.id)).toEqual([firstCheck.hints[0]]);

    await recordReveal(db, userId, exercise.id, 'solution', 0);
    expect((await read(userId)).solutionShown).toBe(true);

    const outcome = { checkId: firstCheck.id, passed: true, points: firstCheck.points, message: 'ok', observed: null };
    await recordAttempt(db, { userId, exerciseId: exercise.id, exerciseVersionId: exercise.versionId, sandboxId: null, passed: false, outcomes: [outcome], hasQuiz: true });
    expect((await read(userId)).attempts.map((a) => a.results.map((r) => r.checkId))).toEqual([[firstCheck.id]]);

    const grade = gradeQuiz(exercise.spec.quiz!, {});
    await recordQuizAnswer(db, { userId, exerciseId: exercise.id, exerciseVersionId: exercise.versionId, grade });
    expect((await read(userId)).lastQuizAnswer?.percent).toBe(grade.percent);

    await db.sandbox.create({
      data: { runnerId: `lost-${kind}`, userId, exerciseId: exercise.id, exerciseVersionId: exercise.versionId, state: 'lost', expiresAt: new Date(Date.now() + 60_000) },
    });
    const work = await read(userId);
    expect(await work.sandbox()).toBeNull();
    expect(await work.lostSandbox()).toBe(true);
    expect(await exerciseActivity(db, userId, exercise.id, exercise.versionId)).toEqual({ sandboxes: 1, attempts: 1, hints: 1, solutions: 1, progress: 1, quizAnswers: 1 });
  });
});
