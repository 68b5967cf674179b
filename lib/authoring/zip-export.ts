// Content stays code: a course or one exercise as a zip in the exercises/ layout, which the
// loader (packages/exercise-format loadCourse) reads as it is. Repository files go in byte for
// byte from exercises/; browser exercises go in as the author's stored YAML text, byte for byte
// (comments and key order untouched). Browser lessons have no files of their own, so their
// lesson.yaml and lesson.<locale>.md are written from the stored draft; a repository course that
// gained browser lessons gets its course.yaml with those lessons appended to `lessons` (edited
// as a YAML document, so its comments stay).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { parseDocument, stringify } from 'yaml';
import { locales } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { pick } from '../content/text';
import { AuthoringError } from './errors';
import { exerciseFileName } from './exercise-yaml';

type Files = Record<string, Uint8Array>;
const utf8 = (text: string) => new TextEncoder().encode(text);

async function readTree(dir: string, prefix: string, into: Files): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const name = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await readTree(full, name, into);
    else if (entry.isFile()) into[name] = new Uint8Array(await readFile(full));
  }
}

function localized(value: unknown) {
  return Object.fromEntries(locales.map((l) => [l, pick(value, l)]));
}

/** The files of one course in the exercises/ layout (paths `<course>/...`). */
export async function courseFiles(db: Db, exercisesDir: string, courseSlug: string): Promise<Files> {
  const course = await db.course.findUnique({
    where: { slug: courseSlug },
    include: { lessons: { where: { archived: false }, orderBy: [{ position: 'asc' }, { slug: 'asc' }], include: { exercises: { where: { archived: false }, orderBy: { position: 'asc' } } } } },
  });
  if (!course) throw new AuthoringError('NOT_FOUND', `no course "${courseSlug}"`);
  const files: Files = {};
  const editorLessons = course.lessons.filter((l) => l.origin === 'editor');
  let lessonOrder: string[];
  if (course.origin === 'files') {
    await readTree(path.join(exercisesDir, course.slug), course.slug, files);
    const courseYaml = new TextDecoder().decode(files[`${course.slug}/course.yaml`] ?? new Uint8Array());
    const document = parseDocument(courseYaml);
    lessonOrder = ((document.get('lessons') as { toJSON(): unknown } | undefined)?.toJSON() as string[] | undefined) ?? [];
    if (editorLessons.length) {
      for (const lesson of editorLessons) document.addIn(['lessons'], lesson.slug);
      lessonOrder = [...lessonOrder, ...editorLessons.map((l) => l.slug)];
      files[`${course.slug}/course.yaml`] = utf8(document.toString());
    }
  } else {
    lessonOrder = course.lessons.map((l) => l.slug);
    files[`${course.slug}/course.yaml`] = utf8(stringify({ id: course.slug, title: localized(course.title), description: localized(course.summary), lessons: lessonOrder }));
  }
  for (const lesson of editorLessons) {
    const dir = `${course.slug}/${lesson.slug}`;
    files[`${dir}/lesson.yaml`] = utf8(
      stringify({ id: lesson.slug, title: localized(lesson.draftTitle ?? lesson.title), order: lessonOrder.indexOf(lesson.slug) + 1, exercises: lesson.exercises.map((e) => e.ref) }),
    );
    for (const locale of locales) files[`${dir}/lesson.${locale}.md`] = utf8(pick(lesson.draftBody ?? lesson.body, locale));
    for (const exercise of lesson.exercises) if (exercise.draftYaml !== null) files[`${dir}/${exercise.ref}.yaml`] = utf8(exercise.draftYaml);
  }
  return files;
}

/** One exercise as `<course>/<lesson>/<id>.yaml`: the repository file or the stored draft text. */
export async function exerciseFiles(db: Db, exercisesDir: string, exerciseId: string): Promise<{ name: string; files: Files }> {
  const exercise = await db.exercise.findUnique({ where: { id: exerciseId }, include: { lesson: { select: { slug: true, course: { select: { slug: true } } } } } });
  if (!exercise) throw new AuthoringError('NOT_FOUND', 'no such exercise');
  const name = exerciseFileName(exercise.lesson.course.slug, exercise.lesson.slug, exercise.ref);
  const bytes = exercise.origin === 'editor' ? utf8(exercise.draftYaml ?? '') : new Uint8Array(await readFile(path.join(exercisesDir, name)));
  return { name: exercise.ref, files: { [name]: bytes } };
}

export function zip(files: Files): Uint8Array {
  return zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
