// The admins' dashboard queries against both databases the platform runs on (a SQLite file and
// a throwaway PostgreSQL 15): percentiles, the lesson funnel, hint use, failing checks with
// their samples, the matrix and its cohort filter, and the CSV export's rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import type { DatabaseTarget } from '../db/database-url';
import { applyMigrations } from '../db/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../db/throwaway-postgres';
import { recordAttempt, recordReveal } from '../progress/record';
import { addMemberByEmail, createCohort, enrolWithToken } from './cohorts';
import { progressRows } from './exports';
import { failingChecks, learnerMatrix, lessonFunnels, percentileRanks, revealUse, timeToComplete } from './learning';

const root = path.resolve(__dirname, '..', '..');

describe('nearest-rank percentiles', () => {
  it('ranks the value at or above the share of n (1-based)', () => {
    expect(percentileRanks(1)).toEqual({ median: 1, p90: 1 });
    expect(percentileRanks(10)).toEqual({ median: 5, p90: 9 });
    expect(percentileRanks(11)).toEqual({ median: 6, p90: 10 });
    expect(percentileRanks(4)).toEqual({ median: 2, p90: 4 });
  });
});

describe.each(['sqlite', 'postgresql'] as const)('admin dashboards on %s', (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let db: Db;
  const ex: { id: string; ref: string; versionId: string }[] = [];
  let lessonId: string;
  const funnel = async (audience: { cohortId?: string }) => (await lessonFunnels(db, [{ id: lessonId, exerciseIds: ex.map((e) => e.id) }], audience)).get(lessonId)!;
  const learners: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-admin-'));
    let target: DatabaseTarget;
    if (kind === 'postgresql') {
      pg = startThrowawayPostgres();
      target = { kind, url: pg.url };
    } else {
      target = { kind, file: path.join(tmp, 'kubelab.db') };
    }
    await applyMigrations(target, root);
    db = createDb(target);
    const course = await db.course.create({ data: { slug: 'pods', title: { en: 'Pods' }, summary: { en: '' } } });
    const lesson = await db.lesson.create({ data: { courseId: course.id, slug: 'basics', title: { en: 'Basics' }, body: { en: '' } } });
    lessonId = lesson.id;
    for (const [i, slug] of ['one', 'two', 'three'].entries()) {
      const exercise = await db.exercise.create({ data: { ref: `pods/basics/${slug}`, lessonId: lesson.id, slug, title: { en: slug }, position: i } });
      const version = await db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 1, contentHash: slug, spec: { checks: [{ id: 'a' }, { id: 'b' }] } } });
      ex.push({ id: exercise.id, ref: exercise.ref, versionId: version.id });
    }
    // Ten learners (l0..l9) and an admin who tried the exercises too (never counted as a learner).
    for (let i = 0; i < 10; i += 1) {
      learners.push((await db.user.create({ data: { email: `l${i}@example.test`, name: `Learner ${i}`, passwordHash: 'x' } })).id);
    }
    const admin = await db.user.create({ data: { email: 'root@example.test', name: 'Root', passwordHash: 'x', role: 'admin' } });
    // Exercise one: l0..l9 passed in 10, 20, ..., 100 seconds. Exercise two: l0..l3 passed, l4..l5 in progress.
    // Exercise three: only l0 passed. The admin passed one in 1 s.
    const at = new Date('2026-12-01T10:00:00Z');
    const passed = (userId: string, exerciseId: string, seconds: number) =>
      db.progress.create({ data: { userId, exerciseId, status: 'passed', points: 2, attempts: 2, startedAt: at, passedAt: new Date(at.getTime() + seconds * 1000), secondsToPass: seconds } });
    for (const [i, id] of learners.entries()) await passed(id, ex[0]!.id, (i + 1) * 10);
    for (const id of learners.slice(0, 4)) await passed(id, ex[1]!.id, 60);
    for (const id of learners.slice(4, 6)) await db.progress.create({ data: { userId: id, exerciseId: ex[1]!.id, status: 'in_progress', attempts: 1, startedAt: at } });
    await passed(learners[0]!, ex[2]!.id, 300);
    await passed(admin.id, ex[0]!.id, 1);
  });

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('computes median and 90th percentile of the time to complete, learners only', async () => {
    const times = await timeToComplete(db, ex.map((e) => e.id), {});
    expect(times).toEqual([
      { exerciseId: ex[0]!.id, passed: 10, medianSeconds: 50, p90Seconds: 90 },
      { exerciseId: ex[1]!.id, passed: 4, medianSeconds: 60, p90Seconds: 60 },
      { exerciseId: ex[2]!.id, passed: 1, medianSeconds: 300, p90Seconds: 300 },
    ]);
  });

  it('draws the lesson funnel: audience, started, passed each, passed all', async () => {
    const steps = await funnel({});
    expect(steps).toEqual([
      { key: 'audience', learners: 10 },
      { key: 'started', learners: 10 },
      { key: `passed:${ex[0]!.id}`, learners: 10 },
      { key: `passed:${ex[1]!.id}`, learners: 4 },
      { key: `passed:${ex[2]!.id}`, learners: 1 },
      { key: 'completed', learners: 1 },
    ]);
  });

  it('splits one course query into the funnel of each lesson, a lesson without exercises only its audience', async () => {
    const funnels = await lessonFunnels(db, [{ id: 'a', exerciseIds: [ex[0]!.id] }, { id: 'b', exerciseIds: [ex[1]!.id, ex[2]!.id] }, { id: 'empty', exerciseIds: [] }], {});
    expect(funnels.get('a')!.map((s) => s.learners)).toEqual([10, 10, 10, 10]);
    // l0..l5 started lesson b (l4, l5 in progress), l0..l3 passed two, only l0 passed both.
    expect(funnels.get('b')!.map((s) => s.learners)).toEqual([10, 6, 4, 1, 1]);
    expect(funnels.get('empty')).toEqual([{ key: 'audience', learners: 10 }]);
  });

  it('narrows every figure to a cohort, filled by hand and by enrol link', async () => {
    const cohort = await createCohort(db, 'Class A');
    expect(cohort.ok).toBe(true);
    if (!cohort.ok) return;
    expect(await createCohort(db, 'Class A')).toEqual({ ok: false, reason: 'exists' });
    expect((await addMemberByEmail(db, cohort.id, ' L8@example.test ')).ok).toBe(true);
    expect(await addMemberByEmail(db, cohort.id, 'nobody@example.test')).toEqual({ ok: false, reason: 'no_user' });
    const token = (await db.cohort.findUniqueOrThrow({ where: { id: cohort.id } })).enrolToken!;
    expect(await enrolWithToken(db, 'x'.repeat(43), learners[9]!)).toBeNull();
    expect(await enrolWithToken(db, token, learners[9]!)).toMatchObject({ name: 'Class A' });
    const audience = { cohortId: cohort.id };
    expect((await timeToComplete(db, [ex[0]!.id], audience))[0]).toMatchObject({ passed: 2, medianSeconds: 90, p90Seconds: 100 });
    expect((await funnel(audience)).map((s) => s.learners)).toEqual([2, 2, 2, 0, 0, 0]);
    const matrix = await learnerMatrix(db, ex.map((e) => e.id), audience);
    expect(matrix.total).toBe(2);
    expect(matrix.rows.map((r) => r.email)).toEqual(['l8@example.test', 'l9@example.test']);
    expect(matrix.rows[0]!.cells[ex[0]!.id]).toEqual({ status: 'passed', points: 2, attempts: 2, seconds: 90 });
    expect(matrix.rows[0]!.cells[ex[1]!.id]).toBeUndefined();
  });

  it('pages the matrix of every learner by name', async () => {
    const first = await learnerMatrix(db, ex.map((e) => e.id), {}, 0, 4);
    const third = await learnerMatrix(db, ex.map((e) => e.id), {}, 2, 4);
    expect(first.total).toBe(10);
    expect(first.rows.map((r) => r.name)).toEqual(['Learner 0', 'Learner 1', 'Learner 2', 'Learner 3']);
    expect(third.rows.map((r) => r.name)).toEqual(['Learner 8', 'Learner 9']);
  });

  it('keeps attempt counts, time to pass and per-check failures with samples of what they observed', async () => {
    const [learner] = await Promise.all([db.user.create({ data: { email: 'fresh@example.test', name: 'Fresh', passwordHash: 'x' } })]);
    const e = ex[2]!;
    const outcome = (checkId: string, passed: boolean, observed: string | null) => ({ checkId, passed, points: 1, message: `${checkId} ${passed ? 'ok' : 'not yet'}`, observed });
    const base = { userId: learner.id, exerciseId: e.id, exerciseVersionId: e.versionId, sandboxId: null, hasQuiz: false };
    await recordAttempt(db, { ...base, passed: false, outcomes: [outcome('a', false, 'no pod "web"'), outcome('b', false, '=HYPERLINK("x")')] });
    await recordAttempt(db, { ...base, passed: false, outcomes: [outcome('a', true, null), outcome('b', false, 'one container')] });
    await recordAttempt(db, { ...base, passed: true, outcomes: [outcome('a', true, null), outcome('b', true, null)] });
    await recordReveal(db, learner.id, e.id, 'hint', 0);
    await recordReveal(db, learner.id, e.id, 'hint', 1);
    await recordReveal(db, learner.id, e.id, 'solution', 0);

    const progress = await db.progress.findUniqueOrThrow({ where: { userId_exerciseId: { userId: learner.id, exerciseId: e.id } } });
    expect(progress).toMatchObject({ status: 'passed', attempts: 3, points: 2 });
    expect(progress.startedAt).not.toBeNull();
    expect(progress.secondsToPass).toBeGreaterThanOrEqual(0);

    const failing = await failingChecks(db, [e.id]);
    expect(failing.map((f) => [f.checkId, f.failures, f.runs])).toEqual([
      ['b', 2, 3],
      ['a', 1, 3],
    ]);
    expect(failing[0]!.samples.map((s) => s.observed)).toEqual(['one container', '=HYPERLINK("x")']);
    expect(failing[0]!.samples[0]).toMatchObject({ userId: learner.id, message: 'b not yet' });

    const reveals = await revealUse(db, [e.id], {});
    expect(reveals).toEqual([{ exerciseId: e.id, hintLearners: 1, hints: 2, solutionLearners: 1 }]);
  });

  it('exports the matrix as rows, one per learner and exercise, in pages', async () => {
    const rows: unknown[][] = [];
    for await (const batch of progressRows(db, ex, {})) rows.push(...batch);
    expect(rows).toHaveLength(11 * 3);
    const l9 = rows.filter((r) => r[1] === 'l9@example.test');
    expect(l9.map((r) => [r[2], r[3], r[5], r[6]])).toEqual([
      [ex[0]!.ref, 'passed', 2, 100],
      [ex[1]!.ref, 'not_started', 0, null],
      [ex[2]!.ref, 'not_started', 0, null],
    ]);
  });
});
