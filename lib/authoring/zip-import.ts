// Importing content as code: a zip in the exercises/ layout, validated by the same loader as the
// repository (every problem at file:line:column, paths as they are inside the zip), then created
// as browser content: a whole course (unpublished lessons, exercises as drafts holding the
// files' YAML byte for byte), or one exercise file into a browser lesson. Nothing existing is
// overwritten: a taken id refuses the import. The zip is hostile input: entry names are checked
// (no absolute paths, no "..", no backslashes), sizes and counts are capped while unzipping.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { ExerciseFormatError, loadCourse } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { AuthoringError } from './errors';
import { createExercise } from './exercises';
import { createCourse, createLesson } from './lessons';

export const MAX_ZIP_BYTES = 2 * 1024 * 1024;
const MAX_UNZIPPED_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 500;
const SAFE_ENTRY = /^(?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+$/;

function invalid(file: string, message: string): AuthoringError {
  return new AuthoringError('INVALID', message, { problems: [{ file, path: '', message }] });
}

/** The zip's files by name (directories dropped); refuses unsafe names and oversized content. */
export function unzipEntries(bytes: Uint8Array): Map<string, Uint8Array> {
  if (bytes.byteLength > MAX_ZIP_BYTES) throw invalid('upload', `the zip is larger than ${MAX_ZIP_BYTES} bytes`);
  let count = 0;
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        count += 1;
        total += file.originalSize;
        if (count > MAX_ENTRIES) throw invalid('upload', `the zip holds more than ${MAX_ENTRIES} entries`);
        if (total > MAX_UNZIPPED_BYTES) throw invalid('upload', `the zip unpacks to more than ${MAX_UNZIPPED_BYTES} bytes`);
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    if (error instanceof AuthoringError) throw error;
    throw invalid('upload', `not a readable zip: ${(error as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (!SAFE_ENTRY.test(name) || name.split('/').some((part) => part === '..' || part === '.')) throw invalid(name, `unsafe file name in the zip: ${JSON.stringify(name)}`);
    files.set(name, data);
  }
  return files;
}

export type ImportSummary = { kind: 'course'; course: string; lessons: string[]; exercises: string[] } | { kind: 'exercise'; exercise: string; id: string };

/** Imports a zip: one exercise file into `lessonId`, or one course (a folder holding course.yaml). */
export async function importZip(db: Db, bytes: Uint8Array, lessonId: string | null): Promise<ImportSummary> {
  const files = unzipEntries(bytes);
  const decode = (data: Uint8Array) => new TextDecoder('utf-8', { fatal: false }).decode(data);
  const courseFiles = [...files.keys()].filter((name) => /^[^/]+\/course\.yaml$/.test(name));
  if (courseFiles.length === 0) {
    const yamls = [...files.keys()].filter((name) => name.endsWith('.yaml'));
    if (yamls.length !== 1) throw invalid('upload', 'expected a course (<course>/course.yaml) or exactly one exercise file (<id>.yaml)');
    if (!lessonId) throw invalid(yamls[0]!, 'choose the lesson the exercise goes into');
    const created = await createExercise(db, { lessonId, yaml: decode(files.get(yamls[0]!)!) }).catch((error: unknown) => {
      if (error instanceof AuthoringError && error.detail.problems) {
        throw new AuthoringError(error.code, error.message, { problems: error.detail.problems.map((p) => ({ ...p, file: yamls[0]! })) });
      }
      throw error;
    });
    return { kind: 'exercise', exercise: created.ref, id: created.id };
  }
  if (courseFiles.length > 1) throw invalid('upload', 'a zip holds one course');
  const courseSlug = courseFiles[0]!.split('/')[0]!;

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kubelab-import-'));
  try {
    for (const [name, data] of files) {
      const target = path.join(tmp, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data, { flag: 'wx' });
    }
    let loaded;
    try {
      loaded = await loadCourse(path.join(tmp, courseSlug));
    } catch (error) {
      if (!(error instanceof ExerciseFormatError)) throw error;
      throw new AuthoringError('INVALID', 'the course does not load', {
        problems: error.problems.map((p) => ({ ...p, file: path.relative(tmp, p.file) })),
      });
    }
    const refs = loaded.lessons.flatMap((l) => l.exercises.map((e) => e.spec.id));
    const taken = await db.exercise.findMany({ where: { ref: { in: refs } }, select: { ref: true } });
    if (taken.length) throw new AuthoringError('ID_TAKEN', `exercise ids already taken: ${taken.map((t) => t.ref).join(', ')}`);
    const course = await createCourse(db, { slug: loaded.spec.id, title: loaded.spec.title, summary: loaded.spec.description });
    const summary: ImportSummary = { kind: 'course', course: course.slug, lessons: [], exercises: [] };
    for (const lesson of loaded.lessons) {
      const row = await createLesson(db, { courseId: course.id, slug: lesson.spec.id, title: lesson.spec.title, body: lesson.markdown });
      summary.lessons.push(row.slug);
      for (const exercise of lesson.exercises) {
        // The file's own text, byte for byte, becomes the draft.
        const created = await createExercise(db, { lessonId: row.id, yaml: await readFile(exercise.file, 'utf8') });
        summary.exercises.push(created.ref);
      }
    }
    return summary;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
