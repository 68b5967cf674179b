// The learner pages' content cache on real databases (SQLite and PostgreSQL, committed
// migrations, the repository's own exercises/): a lesson or exercise is loaded once and kept
// between requests, and every write that changes what learners see (a sync of changed files,
// an instructor's save and publish in the browser, an unpublish) shows on the very next read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExercise, publishExercise, recordProof, saveExerciseDraft, unpublishExercise } from '../authoring/exercises';
import { exerciseYaml } from '../authoring/exercise-fixture';
import { createCourse, createLesson, publishLesson, saveLessonDraft, unpublishLesson } from '../authoring/lessons';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import type { DatabaseTarget } from '../db/database-url';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../db/throwaway-postgres';
import { syncContentFromDir } from './load-and-sync';
import { courseOutlines, publishedContent } from './published';
import { findExercise, findLesson } from './queries';

const root = path.resolve(__dirname, '..', '..');

describe.each(['sqlite', 'postgresql'] as const)('published content on %s', (kind) => {
  let tmp: string;
  let contentDir: string;
  let pg: ThrowawayPostgres | undefined;
  let db: Db;
  let instructorId: string;

  const outlineOf = async (courseSlug: string) => (await courseOutlines(await publishedContent(db))).find((c) => c.slug === courseSlug);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-published-'));
    contentDir = path.join(tmp, 'exercises');
    fs.cpSync(path.join(root, 'exercises'), contentDir, { recursive: true });
    pg = kind === 'postgresql' ? startThrowawayPostgres() : undefined;
    const target: DatabaseTarget = pg ? { kind: 'postgresql', url: pg.url } : { kind: 'sqlite', file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await syncContentFromDir(db, contentDir);
    instructorId = (await db.user.create({ data: { email: 'ana@example.test', name: 'Ana', passwordHash: 'x', role: 'instructor' } })).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps a lesson between reads and shows the text of a sync at once', async () => {
    const first = (await findLesson(db, 'pods', 'shared-volumes'))!;
    expect(first.lesson.text.en).not.toMatch(/^\s*# /);
    // Kept: the second read is the very same object, not a second load.
    expect((await findLesson(db, 'pods', 'shared-volumes'))!.lesson).toBe(first.lesson);
    expect(await findExercise(db, 'counter-hostpath')).toBe(await findExercise(db, 'counter-hostpath'));

    fs.appendFileSync(path.join(contentDir, 'pods', 'shared-volumes', 'lesson.en.md'), '\nA sentence added to the files.\n');
    expect((await syncContentFromDir(db, contentDir)).changed).toBe(true);
    expect((await findLesson(db, 'pods', 'shared-volumes'))!.lesson.text.en).toContain('A sentence added to the files.');
  });

  it("shows an instructor's lesson edit at once, and takes an unpublished lesson away at once", async () => {
    const course = await createCourse(db, { slug: 'browser-course', title: { en: 'Browser', 'zh-CN': '浏览器' }, summary: { en: 'Made here', 'zh-CN': '在这里' } });
    const lesson = await createLesson(db, { courseId: course.id, slug: 'first-lesson', title: { en: 'First', 'zh-CN': '第一' }, body: { en: 'Old words', 'zh-CN': '旧的话' } });
    expect(await findLesson(db, 'browser-course', 'first-lesson')).toBeNull();
    await publishLesson(db, lesson.id);
    const shown = (await findLesson(db, 'browser-course', 'first-lesson'))!;
    expect(shown.lesson.text).toEqual({ en: 'Old words', 'zh-CN': '旧的话' });
    expect((await findLesson(db, 'browser-course', 'first-lesson'))!.lesson).toBe(shown.lesson);

    const saved = await saveLessonDraft(db, { lessonId: lesson.id, title: { en: 'Renamed', 'zh-CN': '改名' }, body: { en: 'New words', 'zh-CN': '新的话' }, baseRevision: 1 });
    // A saved draft is not yet for learners.
    expect((await findLesson(db, 'browser-course', 'first-lesson'))!.lesson.text.en).toBe('Old words');
    await publishLesson(db, lesson.id);
    const edited = (await findLesson(db, 'browser-course', 'first-lesson'))!;
    expect(edited.lesson.text).toEqual({ en: 'New words', 'zh-CN': '新的话' });
    expect((await outlineOf('browser-course'))!.lessons.map((l) => l.title)).toEqual([{ en: 'Renamed', 'zh-CN': '改名' }]);
    expect(saved.revision).toBe(2);

    await unpublishLesson(db, lesson.id);
    expect(await findLesson(db, 'browser-course', 'first-lesson')).toBeNull();
    expect((await outlineOf('browser-course'))!.lessons).toEqual([]);
    await publishLesson(db, lesson.id);
  });

  it("shows an instructor's newly published exercise version at once, and takes an unpublished one away", async () => {
    const lesson = (await findLesson(db, 'browser-course', 'first-lesson'))!.lesson;
    const created = await createExercise(db, { lessonId: lesson.id, yaml: exerciseYaml('browser-pod', 'web') });
    const publish = async (yaml: string, baseRevision: number) => {
      const saved = await saveExerciseDraft(db, { exerciseId: created.id, yaml, baseRevision });
      await recordProof(db, { exerciseId: created.id, yaml, passed: true, report: [], userId: instructorId });
      await publishExercise(db, { exerciseId: created.id, userId: instructorId });
      return saved.revision;
    };
    const revision = await publish(exerciseYaml('browser-pod', 'web'), created.draftRevision);
    const v1 = (await findExercise(db, 'browser-pod'))!;
    expect(v1.spec.checks[0]!.params).toEqual({ pod: 'web' });
    expect(await findExercise(db, 'browser-pod')).toBe(v1);
    expect((await outlineOf('browser-course'))!.lessons[0]!.exercises).toMatchObject([{ ref: 'browser-pod', maxPoints: 1 }]);

    await publish(exerciseYaml('browser-pod', 'api'), revision);
    const v2 = (await findExercise(db, 'browser-pod'))!;
    expect(v2.version).toBe(2);
    expect(v2.spec.checks[0]!.params).toEqual({ pod: 'api' });
    expect(v2.title).toEqual({ en: 'Create api', 'zh-CN': '创建 api' });

    await unpublishExercise(db, created.id);
    expect(await findExercise(db, 'browser-pod')).toBeNull();
    expect((await outlineOf('browser-course'))!.lessons[0]!.exercises).toEqual([]);
  });
});
