// Export and import on a real SQLite database and real files: a repository course exports its
// files byte for byte (plus a browser lesson, its course.yaml keeping its comments), a browser
// exercise exports its author's YAML byte for byte, the export loads with the repository's own
// loader, and an import is validated with located problems, refuses unsafe names and taken ids,
// and keeps the imported YAML byte for byte.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '@kubelab/exercise-format';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { syncContentFromDir } from '../content/load-and-sync';
import { exerciseYaml } from './exercise-fixture';
import { AuthoringError } from './errors';
import { createExercise } from './exercises';
import { createLesson } from './lessons';
import { courseFiles, exerciseFiles, zip } from './zip-export';
import { importZip } from './zip-import';

const root = path.resolve(__dirname, '..', '..');

function writeTree(dir: string, files: Record<string, Uint8Array>) {
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
}

describe('export and import of content as code', () => {
  let tmp: string;
  let contentDir: string;
  let db: Db;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-zip-'));
    contentDir = path.join(tmp, 'exercises');
    const lessonDir = path.join(contentDir, 'demo', 'basics');
    fs.mkdirSync(lessonDir, { recursive: true });
    fs.writeFileSync(path.join(contentDir, 'demo', 'course.yaml'), '# the demo course\nid: demo\ntitle: { zh-CN: 演示, en: Demo }\ndescription: { zh-CN: 演示课程, en: A demo }\nlessons: [basics] # in order\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.yaml'), 'id: basics\ntitle: { zh-CN: 基础, en: Basics }\norder: 1\nexercises: [file-pod]\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.en.md'), '# Basics\n');
    fs.writeFileSync(path.join(lessonDir, 'lesson.zh-CN.md'), '# 基础\n');
    fs.writeFileSync(path.join(lessonDir, 'file-pod.yaml'), exerciseYaml('file-pod', 'files', 'kept as written'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await syncContentFromDir(db, contentDir);
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exports a repository course with a browser lesson in the exercises/ layout, byte for byte where it can', async () => {
    const course = await db.course.findUniqueOrThrow({ where: { slug: 'demo' } });
    const lesson = await createLesson(db, { courseId: course.id, slug: 'extra', title: { en: 'Extra', 'zh-CN': '额外' }, body: { en: '# Extra\n\nMore.\n', 'zh-CN': '# 额外\n\n更多。\n' } });
    // Key order and comments as the author typed them (not the schema's order).
    const authored = `${exerciseYaml('browser-extra', 'web', 'written in the browser')}# trailing note\n`.replace(/^(id: .*)\n(title: .*)$/m, '$2\n$1');
    const exercise = await createExercise(db, { lessonId: lesson.id, yaml: authored });

    const files = unzipSync(zip(await courseFiles(db, contentDir, 'demo')));
    const text = (name: string) => new TextDecoder().decode(files[name]);
    expect(Buffer.from(files['demo/basics/file-pod.yaml']!)).toEqual(fs.readFileSync(path.join(contentDir, 'demo', 'basics', 'file-pod.yaml')));
    expect(text('demo/extra/browser-extra.yaml')).toBe(authored);
    expect(text('demo/course.yaml')).toContain('# the demo course');
    expect(text('demo/course.yaml')).toMatch(/lessons: \[ basics, extra \]|lessons: \[basics, extra\]/);

    const out = path.join(tmp, 'exported');
    writeTree(out, files);
    const loaded = await loadCourse(path.join(out, 'demo'));
    expect(loaded.lessons.map((l) => [l.spec.id, l.exercises.map((e) => e.spec.id)])).toEqual([
      ['basics', ['file-pod']],
      ['extra', ['browser-extra']],
    ]);

    const single = await exerciseFiles(db, contentDir, exercise.id);
    expect(Object.keys(single.files)).toEqual(['demo/extra/browser-extra.yaml']);
    expect(new TextDecoder().decode(single.files['demo/extra/browser-extra.yaml'])).toBe(authored);
  });

  it('imports a course as browser drafts, byte for byte, and refuses invalid content with located problems', async () => {
    const good = exerciseYaml('imported-pod', 'imp', 'imported with this comment');
    const course = {
      'imp/course.yaml': strToU8('id: imp\ntitle: { zh-CN: 导入, en: Imported }\ndescription: { zh-CN: 导入的, en: Imported one }\nlessons: [one]\n'),
      'imp/one/lesson.yaml': strToU8('id: one\ntitle: { zh-CN: 一, en: One }\norder: 1\nexercises: [imported-pod]\n'),
      'imp/one/lesson.en.md': strToU8('# One\n'),
      'imp/one/lesson.zh-CN.md': strToU8('# 一\n'),
      'imp/one/imported-pod.yaml': strToU8(good.replace('kind: podExists', 'kind: podTeleports')),
    };
    const bad = await importZip(db, zipSync(course), null).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AuthoringError);
    expect((bad as AuthoringError).detail.problems?.[0]).toMatchObject({ file: 'imp/one/imported-pod.yaml', line: 10, path: 'checks[0].kind' });
    expect(await db.course.findUnique({ where: { slug: 'imp' } })).toBeNull();

    const unsafe = await importZip(db, zipSync({ '../evil.yaml': strToU8(good) }), null).catch((e: unknown) => e);
    expect((unsafe as AuthoringError).detail.problems?.[0]?.message).toMatch(/unsafe file name/);

    const summary = await importZip(db, zipSync({ ...course, 'imp/one/imported-pod.yaml': strToU8(good) }), null);
    expect(summary).toEqual({ kind: 'course', course: 'imp', lessons: ['one'], exercises: ['imported-pod'] });
    const row = await db.exercise.findUniqueOrThrow({ where: { ref: 'imported-pod' }, include: { lesson: true } });
    expect(row).toMatchObject({ origin: 'editor', draftYaml: good, currentVersionId: null });
    expect(row.lesson).toMatchObject({ origin: 'editor', published: false });

    const again = await importZip(db, zipSync({ ...course, 'imp/one/imported-pod.yaml': strToU8(good) }), null).catch((e: unknown) => e);
    expect((again as AuthoringError).code).toBe('ID_TAKEN');
  });
});
