// The lesson_versions migration on both databases: an editor lesson saved before lesson versions
// existed starts its history at its current draft (numbered by its revision, both locales), a
// repository lesson gets none, and the next save continues from there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import type { DatabaseTarget } from '../db/database-url';
import { applyMigrations, migrationsDir } from '../db/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../db/throwaway-postgres';
import { lessonVersion, lessonVersions, saveLessonDraft } from './lessons';

const root = path.resolve(__dirname, '..', '..');
const MIGRATION = /_lesson_versions$/;

describe.each(['sqlite', 'postgresql'] as const)('the lesson_versions migration on %s', (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let target: DatabaseTarget;
  let db: Db;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-lesson-migration-'));
    if (kind === 'postgresql') {
      pg = startThrowawayPostgres();
      target = { kind, url: pg.url };
    } else {
      target = { kind, file: path.join(tmp, 'kubelab.db') };
    }
    // The migrations as they were before this one.
    const before = path.join(tmp, 'before');
    for (const entry of fs.readdirSync(migrationsDir(root, kind))) {
      if (!MIGRATION.test(entry)) fs.cpSync(path.join(migrationsDir(root, kind), entry), path.join(migrationsDir(before, kind), entry), { recursive: true });
    }
    db = createDb(target);
  });

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts the history of existing editor lessons at their draft', async () => {
    const earlier = await applyMigrations(target, path.join(tmp, 'before'));
    expect(earlier.applied.some((name) => MIGRATION.test(name))).toBe(false);
    const course = await db.course.create({ data: { slug: 'old', title: { en: 'Old', 'zh-CN': '旧' }, summary: { en: 'Old', 'zh-CN': '旧' }, origin: 'editor' } });
    const draft = { draftTitle: { en: 'Draft', 'zh-CN': '草稿' }, draftBody: { en: '# Draft', 'zh-CN': '# 草稿' } };
    const edited = await db.lesson.create({ data: { courseId: course.id, slug: 'edited', title: { en: 'Old', 'zh-CN': '旧' }, body: { en: 'old', 'zh-CN': '旧' }, ...draft, revision: 3, origin: 'editor' } });
    const fromFiles = await db.lesson.create({ data: { courseId: course.id, slug: 'files', title: { en: 'F', 'zh-CN': 'F' }, body: { en: 'f', 'zh-CN': 'f' }, origin: 'files' } });

    const now = await applyMigrations(target, root);
    expect(now.applied).toHaveLength(1);
    expect(now.applied[0]).toMatch(MIGRATION);

    const versions = await lessonVersions(db, edited.id);
    expect(versions.map((v) => ({ version: v.version, savedByEmail: v.savedByEmail }))).toEqual([{ version: 3, savedByEmail: null }]);
    expect(await lessonVersion(db, edited.id, versions[0]!.id)).toMatchObject({ title: draft.draftTitle, body: draft.draftBody });
    expect(await lessonVersions(db, fromFiles.id)).toEqual([]);
    expect(await saveLessonDraft(db, { lessonId: edited.id, title: draft.draftTitle, body: { en: '# Next', 'zh-CN': '# 下一个' }, baseRevision: 3 })).toEqual({ revision: 4, lesson: 'old/edited' });
    expect((await lessonVersions(db, edited.id)).map((v) => v.version)).toEqual([4, 3]);
  });
});
