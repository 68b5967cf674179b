// The authoring rules on a real SQLite database with the committed migrations: drafts saved
// with optimistic concurrency (the second save is refused with what is stored, nothing lost),
// publishing refused until "Prove it" passed on exactly that text, immutable versions (the same
// content reuses its version), unpublish, restore, learners' sandboxes pinned to the version
// they started on, and the content sync leaving browser-made content alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { findExercise, findLesson, sandboxSpec } from '../content/queries';
import { syncContentFromDir } from '../content/load-and-sync';
import { AuthoringError } from './errors';
import { exerciseYaml } from './exercise-fixture';
import { createExercise, publishExercise, recordProof, restoreVersion, saveExerciseDraft, unpublishExercise } from './exercises';
import { createCourse, createLesson, publishLesson, saveLessonDraft } from './lessons';

const root = path.resolve(__dirname, '..', '..');

const refused = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthoringError);
  return error as AuthoringError;
};

describe('authoring rules on SQLite', () => {
  let tmp: string;
  let db: Db;
  let lessonId: string;
  let userId: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-authoring-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    userId = (await db.user.create({ data: { email: 'ana@example.test', name: 'Ana', passwordHash: 'x', role: 'instructor' } })).id;
    const course = await createCourse(db, { slug: 'browser-course', title: { en: 'Browser', 'zh-CN': '浏览器' }, summary: { en: 'Made here', 'zh-CN': '在这里' } });
    lessonId = (await createLesson(db, { courseId: course.id, slug: 'first-lesson', title: { en: 'First', 'zh-CN': '第一' }, body: { en: '# Hi', 'zh-CN': '# 你好' } })).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps a new lesson away from learners until it is published, and refuses a stale lesson save', async () => {
    expect(await findLesson(db, 'browser-course', 'first-lesson')).toBeNull();
    const saved = await saveLessonDraft(db, { lessonId, title: { en: 'First', 'zh-CN': '第一' }, body: { en: '# Hello', 'zh-CN': '# 你好' }, baseRevision: 1 });
    expect(saved.revision).toBe(2);
    const stale = await refused(saveLessonDraft(db, { lessonId, title: { en: 'Other', 'zh-CN': '别的' }, body: { en: 'x', 'zh-CN': 'x' }, baseRevision: 1 }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.detail.current?.text).toContain('# Hello');
    await publishLesson(db, lessonId);
    const shown = await findLesson(db, 'browser-course', 'first-lesson');
    expect(shown?.lesson.body).toEqual({ en: '# Hello', 'zh-CN': '# 你好' });
  });

  it('saves drafts with optimistic concurrency: the second save is refused with the stored text', async () => {
    const created = await createExercise(db, { lessonId, yaml: exerciseYaml('browser-pod', 'web') });
    expect(created).toMatchObject({ ref: 'browser-pod', origin: 'editor', draftRevision: 1, currentVersionId: null });
    expect(await findExercise(db, 'browser-pod')).toBeNull();

    const first = await saveExerciseDraft(db, { exerciseId: created.id, yaml: exerciseYaml('browser-pod', 'web', 'first editor'), baseRevision: 1 });
    expect(first.revision).toBe(2);
    const second = await refused(saveExerciseDraft(db, { exerciseId: created.id, yaml: exerciseYaml('browser-pod', 'web', 'second editor'), baseRevision: 1 }));
    expect(second.code).toBe('CONFLICT');
    expect(second.detail.current).toEqual({ text: exerciseYaml('browser-pod', 'web', 'first editor'), revision: 2 });

    // Invalid YAML is kept (nothing typed is lost) and its problems are located.
    const broken = await saveExerciseDraft(db, { exerciseId: created.id, yaml: exerciseYaml('browser-pod', 'web').replace('kind: podExists', 'kind: podFlies'), baseRevision: 2 });
    expect(broken.problems[0]).toMatchObject({ line: 10, path: 'checks[0].kind' });
    expect((await db.exercise.findUniqueOrThrow({ where: { id: created.id } })).draftYaml).toContain('podFlies');

    const renamed = await refused(saveExerciseDraft(db, { exerciseId: created.id, yaml: exerciseYaml('other-id', 'web'), baseRevision: 3 }));
    expect(renamed.code).toBe('ID_CHANGED');
    expect((await refused(createExercise(db, { lessonId, yaml: exerciseYaml('browser-pod', 'x') }))).code).toBe('ID_TAKEN');
  });

  it('publishes only what "Prove it" passed on, as immutable versions; unpublish and restore', async () => {
    const row = await db.exercise.findUniqueOrThrow({ where: { ref: 'browser-pod' } });
    const v1Text = exerciseYaml('browser-pod', 'web');
    const saved = await saveExerciseDraft(db, { exerciseId: row.id, yaml: v1Text, baseRevision: row.draftRevision });

    expect((await refused(publishExercise(db, { exerciseId: row.id, userId }))).code).toBe('NOT_PROVED');
    await recordProof(db, { exerciseId: row.id, yaml: v1Text, passed: false, report: [], userId });
    expect((await refused(publishExercise(db, { exerciseId: row.id, userId }))).code).toBe('NOT_PROVED');
    // A proof of other text (one byte differs) does not count.
    await recordProof(db, { exerciseId: row.id, yaml: `${v1Text} `, passed: true, report: [], userId });
    expect((await refused(publishExercise(db, { exerciseId: row.id, userId }))).code).toBe('NOT_PROVED');
    await recordProof(db, { exerciseId: row.id, yaml: v1Text, passed: true, report: [], userId });
    const v1 = await publishExercise(db, { exerciseId: row.id, userId });
    expect(v1).toMatchObject({ version: 1, yaml: v1Text, source: 'editor' });
    const published = await findExercise(db, 'browser-pod');
    expect(published).toMatchObject({ versionId: v1.id, origin: 'editor' });

    // A learner starts on version 1.
    const learner = await db.user.create({ data: { email: 'li@example.test', name: 'Li', passwordHash: 'x' } });
    const sandbox = await db.sandbox.create({
      data: { runnerId: 'r1', userId: learner.id, exerciseId: row.id, exerciseVersionId: v1.id, state: 'ready', expiresAt: new Date(Date.now() + 60_000) },
    });

    // Version 2: the draft changes, learners still get v1 until it is proved and published.
    const v2Text = exerciseYaml('browser-pod', 'api');
    const after = await saveExerciseDraft(db, { exerciseId: row.id, yaml: v2Text, baseRevision: saved.revision });
    expect((await findExercise(db, 'browser-pod'))?.versionId).toBe(v1.id);
    await recordProof(db, { exerciseId: row.id, yaml: v2Text, passed: true, report: [], userId });
    const v2 = await publishExercise(db, { exerciseId: row.id, userId });
    expect(v2.version).toBe(2);
    const current = (await findExercise(db, 'browser-pod'))!;
    expect(current.versionId).toBe(v2.id);
    // The learner's sandbox keeps grading against the version they started on.
    const pinned = await sandboxSpec(db, sandbox, current);
    expect(pinned.versionId).toBe(v1.id);
    expect(pinned.spec.checks[0]?.params).toEqual({ pod: 'web' });
    // Version 1 is unchanged.
    expect((await db.exerciseVersion.findUniqueOrThrow({ where: { id: v1.id } })).yaml).toBe(v1Text);

    await unpublishExercise(db, row.id);
    expect(await findExercise(db, 'browser-pod')).toBeNull();
    expect((await refused(unpublishExercise(db, row.id))).code).toBe('NOT_PUBLISHED');

    // Restoring v1 brings its text back as the draft; publishing it again reuses version 1.
    const restored = await restoreVersion(db, { exerciseId: row.id, versionId: v1.id, baseRevision: after.revision });
    expect((await db.exercise.findUniqueOrThrow({ where: { id: row.id } })).draftYaml).toBe(v1Text);
    expect(restored.revision).toBe(after.revision + 1);
    const again = await publishExercise(db, { exerciseId: row.id, userId });
    expect(again.id).toBe(v1.id);
    expect(await db.exerciseVersion.count({ where: { exerciseId: row.id } })).toBe(2);
  });

  it('leaves browser content alone when the files are synced, and reports a clash of ids', async () => {
    const dir = path.join(tmp, 'exercises');
    const lessonDir = path.join(dir, 'files-course', 'basics');
    fs.mkdirSync(lessonDir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'files-course', 'course.yaml'), 'id: files-course\ntitle: { zh-CN: 文件, en: Files }\ndescription: { zh-CN: 文件课程, en: From files }\nlessons: [basics]\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.yaml'), 'id: basics\ntitle: { zh-CN: 基础, en: Basics }\norder: 1\nexercises: [browser-pod]\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.en.md'), '# Basics\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.zh-CN.md'), '# 基础\n');
    fs.writeFileSync(path.join(lessonDir, 'browser-pod.yaml'), exerciseYaml('browser-pod', 'from-files').replace(/^# .*\n/, ''));
    const summary = await syncContentFromDir(db, dir);
    expect(summary.conflicts).toEqual(['exercise browser-pod']);
    const row = await db.exercise.findUniqueOrThrow({ where: { ref: 'browser-pod' }, include: { lesson: true } });
    expect(row).toMatchObject({ origin: 'editor', archived: false });
    expect(row.lesson.slug).toBe('first-lesson');
    // The browser's course and lesson, absent from the files, are not archived.
    expect(await db.lesson.findUniqueOrThrow({ where: { id: lessonId } })).toMatchObject({ archived: false, published: true });
    expect((await refused(saveLessonDraft(db, { lessonId: (await db.lesson.findFirstOrThrow({ where: { slug: 'basics' } })).id, title: { en: 'x', 'zh-CN': 'x' }, body: { en: 'x', 'zh-CN': 'x' }, baseRevision: 0 }))).code).toBe('FILES_OWNED');
  });
});
