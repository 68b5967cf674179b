// Lesson history on a real SQLite database with the committed migrations: every save keeps a
// version of both locales' titles and markdown, a stale save is refused with what the other
// instructor saved (laid out for the side-by-side diff) and writes nothing, restore saves an old
// version as a new one and leaves every earlier version as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { findLesson } from '../content/queries';
import { AuthoringError } from './errors';
import { lessonDiffText } from './lesson-text';
import { createCourse, createLesson, lessonVersion, lessonVersions, publishLesson, restoreLessonVersion, saveLessonDraft } from './lessons';
import { sideBySide } from './side-by-side';

const root = path.resolve(__dirname, '..', '..');

const refused = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthoringError);
  return error as AuthoringError;
};

const text = (en: string, zh: string) => ({ title: { en: `Title ${en}`, 'zh-CN': `标题 ${zh}` }, body: { en: `# ${en}\n\nAbout ${en}.`, 'zh-CN': `# ${zh}\n\n关于${zh}。` } });

describe('lesson history on SQLite', () => {
  let tmp: string;
  let db: Db;
  let lessonId: string;
  const ana = { id: 'ana-id', email: 'ana@example.test' };
  const bo = { id: 'bo-id', email: 'bo@example.test' };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-lesson-history-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    const course = await createCourse(db, { slug: 'history-course', title: { en: 'History', 'zh-CN': '历史' }, summary: { en: 'Versions', 'zh-CN': '版本' } });
    lessonId = (await createLesson(db, { courseId: course.id, slug: 'kept', ...text('one', '一') }, ana)).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('keeps a version of both locales for the new lesson and for every save, newest first', async () => {
    const saved = await saveLessonDraft(db, { lessonId, ...text('two', '二'), baseRevision: 1 }, ana);
    expect(saved).toEqual({ revision: 2, lesson: 'history-course/kept' });
    const versions = await lessonVersions(db, lessonId);
    expect(versions.map((v) => [v.version, v.savedByEmail, v.restoredFrom])).toEqual([
      [2, 'ana@example.test', null],
      [1, 'ana@example.test', null],
    ]);
    expect(await lessonVersion(db, lessonId, versions[0]!.id)).toMatchObject(text('two', '二'));
    expect(await lessonVersion(db, lessonId, versions[1]!.id)).toMatchObject(text('one', '一'));
    // The list carries no text (a lesson gains a version per save); another lesson's id finds nothing.
    expect(versions[0]).not.toHaveProperty('body');
    expect((await refused(lessonVersion(db, 'another-lesson', versions[0]!.id))).code).toBe('NOT_FOUND');
  });

  it('refuses the second of two saves from the same base with what the first saved, and writes nothing', async () => {
    // Ana and Bo both opened revision 2; Ana saves first.
    await saveLessonDraft(db, { lessonId, ...text('ana', '安娜'), baseRevision: 2 }, ana);
    const mine = text('bo', '博');
    const stale = await refused(saveLessonDraft(db, { lessonId, ...mine, baseRevision: 2 }, bo));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.detail.current).toEqual({ text: lessonDiffText(text('ana', '安娜')), revision: 3 });
    // The diff Bo is shown: Ana's lines left, his right, in both locales.
    const diff = sideBySide(stale.detail.current!.text, lessonDiffText(mine));
    expect(diff.filter((r) => r.kind === 'changed').map((r) => [r.left?.text, r.right?.text])).toEqual([
      ['Title ana', 'Title bo'],
      ['# ana', '# bo'],
      ['About ana.', 'About bo.'],
      ['标题 安娜', '标题 博'],
      ['# 安娜', '# 博'],
      ['关于安娜。', '关于博。'],
    ]);
    expect(diff.find((r) => r.kind === 'same')?.left?.text).toBe('== en ==');
    // Nothing of Bo's was written; Ana's save stands.
    const row = await db.lesson.findUniqueOrThrow({ where: { id: lessonId } });
    expect(row).toMatchObject({ revision: 3, draftTitle: text('ana', '安娜').title, draftBody: text('ana', '安娜').body });
    expect((await lessonVersions(db, lessonId)).map((v) => v.version)).toEqual([3, 2, 1]);
    // Saving his over hers from the revision he was shown works and is a version of its own.
    expect((await saveLessonDraft(db, { lessonId, ...mine, baseRevision: 3 }, bo)).revision).toBe(4);
  });

  it('restores an old version as a new version, leaving history as it was; a stale restore is refused', async () => {
    const before = await Promise.all((await lessonVersions(db, lessonId)).map((v) => lessonVersion(db, lessonId, v.id)));
    const v1 = before.find((v) => v.version === 1)!;
    const restored = await restoreLessonVersion(db, { lessonId, versionId: v1.id, baseRevision: 4 }, ana);
    expect(restored).toEqual({ revision: 5, lesson: 'history-course/kept', restored: 1, ...text('one', '一') });
    const after = await lessonVersions(db, lessonId);
    expect(after.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
    expect(after[0]).toMatchObject({ restoredFrom: 1, savedByEmail: 'ana@example.test' });
    expect(await lessonVersion(db, lessonId, after[0]!.id)).toMatchObject(text('one', '一'));
    // Every earlier version is unchanged, text included.
    for (const v of before) expect(await lessonVersion(db, lessonId, v.id)).toEqual(v);
    expect(await db.lesson.findUniqueOrThrow({ where: { id: lessonId } })).toMatchObject({ revision: 5, draftTitle: text('one', '一').title, draftBody: text('one', '一').body });

    const stale = await refused(restoreLessonVersion(db, { lessonId, versionId: v1.id, baseRevision: 4 }, bo));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.detail.current?.revision).toBe(5);
    expect((await refused(restoreLessonVersion(db, { lessonId, versionId: 'not-a-version', baseRevision: 5 }, bo))).code).toBe('NOT_FOUND');
    expect(await db.lessonVersion.count({ where: { lessonId } })).toBe(5);

    // Learners see what is published: the restored text once the lesson is published.
    await publishLesson(db, lessonId);
    expect((await findLesson(db, 'history-course', 'kept'))?.lesson.body).toEqual(text('one', '一').body);
  });
});
