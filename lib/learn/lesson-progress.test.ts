// The lesson reader's progress on real databases (SQLite and PostgreSQL, committed migrations,
// the repository's exercises/): its one raw statement must say exactly what the typed
// coursesWithProgress says, for a learner with nothing, and after work recorded through
// lib/progress (started, a failed attempt, a passed one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContentFromDir } from '../content/load-and-sync';
import { courseOutlines, publishedContent } from '../content/published';
import { findExercise } from '../content/queries';
import { createDb, type Db } from '../db/client';
import type { DatabaseTarget } from '../db/database-url';
import { applyMigrations } from '../db/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../db/throwaway-postgres';
import { markStarted, recordAttempt } from '../progress/record';
import { coursesWithProgress } from '../progress/summary';
import { lessonProgress } from './lesson-progress';

const root = path.resolve(__dirname, '..', '..');

describe.each(['sqlite', 'postgresql'] as const)("a learner's progress in the lesson reader on %s", (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let db: Db;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-lesson-progress-'));
    pg = kind === 'postgresql' ? startThrowawayPostgres() : undefined;
    const target: DatabaseTarget = pg ? { kind: 'postgresql', url: pg.url } : { kind: 'sqlite', file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await syncContentFromDir(db, path.join(root, 'exercises'));
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Every lesson of the course as the typed summary and as lessonProgress give it. */
  async function bothWays(userId: string) {
    const [outline] = await courseOutlines(await publishedContent(db));
    const [summary] = await coursesWithProgress(db, userId, outline!.slug);
    const typed = summary!.lessons.map((lesson) => ({
      exercises: lesson.exercises.map(({ id, ref, title, status, points, maxPoints }) => ({ id, ref, title, status, points, maxPoints })),
      course: { exercises: summary!.exercises, passed: summary!.passed, points: summary!.points, maxPoints: summary!.maxPoints },
    }));
    const raw = await Promise.all(outline!.lessons.map((lesson) => lessonProgress(db, userId, outline!, lesson.id)));
    return { typed, raw };
  }

  it('says what the typed summary says, before and after work is recorded', async () => {
    const userId = (await db.user.create({ data: { email: 'reader@example.test', name: 'Reader', passwordHash: 'x' } })).id;
    const before = await bothWays(userId);
    expect(before.raw).toEqual(before.typed);
    expect(before.raw.flatMap((l) => l.exercises).every((e) => e.status === 'not_started' && e.points === 0)).toBe(true);

    const started = (await findExercise(db, 'counter-hostpath'))!;
    const passed = (await findExercise(db, 'first-pod'))!;
    await markStarted(db, userId, started.id);
    const failing = started.spec.checks.map((c, i) => ({ checkId: c.id, passed: i === 0, points: c.points, message: 'm', observed: null }));
    await recordAttempt(db, { userId, exerciseId: started.id, exerciseVersionId: started.versionId, sandboxId: null, passed: false, outcomes: failing, hasQuiz: false });
    const passing = passed.spec.checks.map((c) => ({ checkId: c.id, passed: true, points: c.points, message: 'm', observed: null }));
    await recordAttempt(db, { userId, exerciseId: passed.id, exerciseVersionId: passed.versionId, sandboxId: null, passed: true, outcomes: passing, hasQuiz: false });

    const after = await bothWays(userId);
    expect(after.raw).toEqual(after.typed);
    const shown = new Map(after.raw.flatMap((l) => l.exercises).map((e) => [e.ref, e]));
    expect(shown.get('counter-hostpath')).toMatchObject({ status: 'in_progress', points: started.spec.checks[0]!.points });
    expect(shown.get('first-pod')).toMatchObject({ status: 'passed', points: passed.spec.checks.reduce((s, c) => s + c.points, 0) });
    expect(after.raw[0]!.course.passed).toBe(1);
  });
});
