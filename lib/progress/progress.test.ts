// Progress against a real SQLite file: attempts add up to per-exercise, lesson and course
// progress; passed stays passed with the best points; resume points at the right exercise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { markStarted, recordAttempt, recordQuizAnswer, recordReveal } from './record';
import { hintIndex, revealedHints } from './reveals';
import { attemptHistory, coursesWithProgress, resumeTarget } from './summary';

const root = path.resolve(__dirname, '..', '..');
const spec = (points: number[]) => ({ checks: points.map((p, i) => ({ id: `c${i}`, points: p })) });

describe('progress on SQLite', () => {
  let tmp: string;
  let db: Db;
  let userId: string;
  const ids: Record<string, { id: string; versionId: string }> = {};

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-progress-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    const course = await db.course.create({ data: { slug: 'pods', title: { en: 'Pods', 'zh-CN': 'Pod' }, summary: { en: 's', 'zh-CN': 's' } } });
    for (const [position, slug] of ['one', 'two'].entries()) {
      const lesson = await db.lesson.create({ data: { courseId: course.id, slug, title: { en: slug, 'zh-CN': slug }, body: { en: '', 'zh-CN': '' }, position: position + 1 } });
      for (const n of [1, 2]) {
        const ref = `${slug}-${n}`;
        const exercise = await db.exercise.create({ data: { ref, slug: ref, lessonId: lesson.id, title: { en: ref, 'zh-CN': ref }, position: n } });
        const version = await db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 1, contentHash: ref, spec: spec([1, 2]) } });
        await db.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
        ids[ref] = { id: exercise.id, versionId: version.id };
      }
    }
    userId = (await db.user.create({ data: { email: 'p@example.test', name: 'P', passwordHash: 'x' } })).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const attempt = (ref: string, passed: boolean[], who = userId, hasQuiz = false) =>
    recordAttempt(db, {
      userId: who,
      hasQuiz,
      exerciseId: ids[ref]!.id,
      exerciseVersionId: ids[ref]!.versionId,
      sandboxId: null,
      passed: passed.every(Boolean),
      outcomes: passed.map((p, i) => ({ checkId: `c${i}`, passed: p, points: i + 1, message: p ? 'ok' : 'not yet', observed: p ? null : 'nothing' })),
    });

  it('starts not started, moves to in progress, then passed with the best points, and never back', async () => {
    let [course] = await coursesWithProgress(db, userId);
    expect(course).toMatchObject({ exercises: 4, passed: 0, points: 0, maxPoints: 12 });
    expect(resumeTarget(await coursesWithProgress(db, userId))).toBeNull();

    await markStarted(db, userId, ids['one-1']!.id);
    const failed = await attempt('one-1', [true, false]);
    expect(failed.points).toBe(1);
    expect(failed.results.map((r) => r.observed)).toEqual([null, 'nothing']);
    [course] = await coursesWithProgress(db, userId);
    expect(course!.lessons[0]!.exercises[0]).toMatchObject({ status: 'in_progress', points: 1, maxPoints: 3 });
    expect(resumeTarget([course!])).toMatchObject({ exerciseRef: 'one-1', reason: 'in_progress', lessonSlug: 'one' });

    await attempt('one-1', [true, true]);
    await attempt('one-1', [false, false]);
    [course] = await coursesWithProgress(db, userId);
    expect(course!.lessons[0]).toMatchObject({ passed: 1, points: 3, maxPoints: 6 });
    expect(course!.lessons[0]!.exercises[0]).toMatchObject({ status: 'passed', points: 3 });
    expect(resumeTarget([course!])).toMatchObject({ exerciseRef: 'one-2', reason: 'next' });

    const history = await attemptHistory(db, userId, ids['one-1']!.id);
    expect(history.map((a) => a.passed)).toEqual([false, true, false]);
    expect(await coursesWithProgress(db, null)).toMatchObject([{ passed: 0, points: 0 }]);
  });

  it('records a revealed hint once', async () => {
    await recordReveal(db, userId, ids['two-1']!.id, 'hint', 0);
    await recordReveal(db, userId, ids['two-1']!.id, 'hint', 0);
    await recordReveal(db, userId, ids['two-1']!.id, 'solution', 0);
    expect(await db.reveal.count({ where: { userId } })).toBe(2);
  });

  it('counts hints one at a time per check, in order, across one index', async () => {
    const hint = (n: string) => ({ en: n, 'zh-CN': n });
    const spec = { checks: [{ id: 'a', hints: [hint('a1'), hint('a2')] }, { id: 'b', hints: [hint('b1'), hint('b2'), hint('b3')] }] } as never;
    expect(hintIndex(spec, 'a', 1)).toBe(1);
    expect(hintIndex(spec, 'b', 0)).toBe(2);
    expect(() => hintIndex(spec, 'c', 0)).toThrow('no check "c"');
    const exerciseId = ids['two-2']!.id;
    for (const index of [2, 4, 0]) await recordReveal(db, userId, exerciseId, 'hint', index);
    const shown = await revealedHints(db, userId, { id: exerciseId, spec });
    // b's third hint (index 4) without its second does not count: only a run from the first.
    expect(shown.get('a')?.map((h) => h.en)).toEqual(['a1']);
    expect(shown.get('b')?.map((h) => h.en)).toEqual(['b1']);
  });

  it('an exercise with a quiz passes once both its checks and its quiz have passed, in either order; the quiz adds no points', async () => {
    const grade = (passed: boolean) => ({ passed, percent: passed ? 100 : 50, results: [{ questionId: 'q', chosen: ['a'], correct: passed }] });
    const quiz = (who: string, ref: string, passed: boolean) =>
      recordQuizAnswer(db, { userId: who, exerciseId: ids[ref]!.id, exerciseVersionId: ids[ref]!.versionId, grade: grade(passed) });
    const status = async (who: string, ref: string) =>
      (await db.progress.findUnique({ where: { userId_exerciseId: { userId: who, exerciseId: ids[ref]!.id } } }))?.status;
    const checksFirst = (await db.user.create({ data: { email: 'quiz1@example.test', name: 'Q1', passwordHash: 'x' } })).id;
    await attempt('two-2', [true, true], checksFirst, true);
    expect(await status(checksFirst, 'two-2')).toBe('in_progress');
    await quiz(checksFirst, 'two-2', false);
    expect(await status(checksFirst, 'two-2')).toBe('in_progress');
    await quiz(checksFirst, 'two-2', true);
    expect(await status(checksFirst, 'two-2')).toBe('passed');
    expect((await db.progress.findUnique({ where: { userId_exerciseId: { userId: checksFirst, exerciseId: ids['two-2']!.id } } }))?.points).toBe(3);
    // A failed quiz later does not take the pass back.
    await quiz(checksFirst, 'two-2', false);
    expect(await status(checksFirst, 'two-2')).toBe('passed');

    const quizFirst = (await db.user.create({ data: { email: 'quiz2@example.test', name: 'Q2', passwordHash: 'x' } })).id;
    await quiz(quizFirst, 'two-2', true);
    expect(await status(quizFirst, 'two-2')).toBe('in_progress');
    await attempt('two-2', [true, false], quizFirst, true);
    expect(await status(quizFirst, 'two-2')).toBe('in_progress');
    await attempt('two-2', [true, true], quizFirst, true);
    expect(await status(quizFirst, 'two-2')).toBe('passed');
    expect(await db.quizAnswer.count({ where: { userId: quizFirst } })).toBe(1);
  });
});
