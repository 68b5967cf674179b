// Reading published content for the learner pages: a lesson with its neighbours, an exercise
// with its current version, both kept per content stamp (./published). Archived content is not
// served (its attempts stay in history).
import { exerciseSchema, type Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { LOCALES, type Locale } from '../i18n/locale';
import { withoutLeadingTitle } from './markdown';
import { courseOutlines, publishedContent } from './published';
import { pick } from './text';
import { visibleExercise, visibleLesson } from './visibility';

export interface PublishedLesson {
  id: string;
  slug: string;
  title: unknown;
  /** The stored text, localised. */
  body: unknown;
  /** The text to show per locale: the leading "# Title" line left out (the page's h1 is the title). */
  text: Record<Locale, string>;
}

export async function findLesson(db: Db, courseSlug: string, lessonSlug: string) {
  const content = await publishedContent(db);
  const course = (await courseOutlines(content)).find((c) => c.slug === courseSlug);
  const index = course ? course.lessons.findIndex((l) => l.slug === lessonSlug) : -1;
  if (!course || index === -1) return null;
  const id = course.lessons[index]!.id;
  const lesson = await content.remember(`lesson:${id}`, async (): Promise<PublishedLesson> => {
    const row = await db.lesson.findUniqueOrThrow({ where: { id }, select: { id: true, slug: true, title: true, body: true } });
    const text = Object.fromEntries(LOCALES.map((locale) => [locale, withoutLeadingTitle(pick(row.body, locale))])) as Record<Locale, string>;
    return { ...row, text };
  });
  return { course, lesson, previous: course.lessons[index - 1] ?? null, next: course.lessons[index + 1] ?? null };
}

export interface PublishedExercise {
  id: string;
  ref: string;
  title: unknown;
  versionId: string;
  version: number;
  /** "files" (the runner knows it by ref) or "editor" (the runner gets the whole spec). */
  origin: string;
  spec: Exercise;
  lesson: { slug: string; title: unknown };
  course: { slug: string; title: unknown };
}

// A version's spec never changes (a change is a new version), so its parse is kept per process.
const specs = new Map<string, Exercise>();
const MAX_CACHED_SPECS = 2000;

/** The typed spec of a version. Stored specs were validated when synced; parsing fills defaults and types them. */
export function parsedSpec(versionId: string, stored: unknown): Exercise {
  let spec = specs.get(versionId);
  if (!spec) {
    spec = exerciseSchema.parse(stored);
    if (specs.size >= MAX_CACHED_SPECS) specs.clear();
    specs.set(versionId, spec);
  }
  return spec;
}

export async function findExercise(db: Db, ref: string): Promise<PublishedExercise | null> {
  const content = await publishedContent(db);
  // Only published refs are kept, so made-up refs in URLs cannot grow the snapshot.
  const outlines = await courseOutlines(content);
  if (!outlines.some((c) => c.lessons.some((l) => l.exercises.some((e) => e.ref === ref)))) return null;
  return content.remember(`exercise:${ref}`, () => loadExercise(db, ref));
}

async function loadExercise(db: Db, ref: string): Promise<PublishedExercise | null> {
  const exercise = await db.exercise.findFirst({
    where: { ref, ...visibleExercise, lesson: { ...visibleLesson, course: { archived: false } } },
    include: { currentVersion: true, lesson: { select: { slug: true, title: true, course: { select: { slug: true, title: true } } } } },
  });
  if (!exercise?.currentVersion) return null;
  return {
    id: exercise.id,
    ref: exercise.ref,
    title: exercise.title,
    versionId: exercise.currentVersion.id,
    version: exercise.currentVersion.version,
    origin: exercise.origin,
    spec: parsedSpec(exercise.currentVersion.id, exercise.currentVersion.spec),
    lesson: { slug: exercise.lesson.slug, title: exercise.lesson.title },
    course: exercise.lesson.course,
  };
}

/**
 * The spec a learner's sandbox is graded against: the version they started on (a newer
 * published version does not change an exercise under a learner's hands), else the current one.
 */
export async function sandboxSpec(db: Db, sandbox: { exerciseVersionId: string | null }, current: PublishedExercise): Promise<{ versionId: string; spec: Exercise }> {
  if (!sandbox.exerciseVersionId || sandbox.exerciseVersionId === current.versionId) return { versionId: current.versionId, spec: current.spec };
  const version = await db.exerciseVersion.findUnique({ where: { id: sandbox.exerciseVersionId }, select: { id: true, spec: true } });
  if (!version) return { versionId: current.versionId, spec: current.spec };
  return { versionId: version.id, spec: parsedSpec(version.id, version.spec) };
}

/** What the runner is told an exercise is: its id for repository content, the spec otherwise. */
export function runnerExercise(exercise: { origin: string; ref: string }, spec: Exercise): string | Record<string, unknown> {
  return exercise.origin === 'files' ? exercise.ref : (spec as unknown as Record<string, unknown>);
}
