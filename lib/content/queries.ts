// Reading published content for the learner pages: a lesson with its neighbours, an exercise
// with its current version. Archived content is not served (its attempts stay in history).
import { exerciseSchema, type Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';

export async function findLesson(db: Db, courseSlug: string, lessonSlug: string) {
  const course = await db.course.findFirst({
    where: { slug: courseSlug, archived: false },
    include: { lessons: { where: { archived: false }, orderBy: { position: 'asc' }, select: { id: true, slug: true, title: true, position: true } } },
  });
  if (!course) return null;
  const index = course.lessons.findIndex((l) => l.slug === lessonSlug);
  if (index === -1) return null;
  const lesson = await db.lesson.findUniqueOrThrow({ where: { id: course.lessons[index]!.id } });
  return { course, lesson, previous: course.lessons[index - 1] ?? null, next: course.lessons[index + 1] ?? null };
}

export interface PublishedExercise {
  id: string;
  ref: string;
  title: unknown;
  versionId: string;
  version: number;
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
  const exercise = await db.exercise.findFirst({
    where: { ref, archived: false, lesson: { archived: false, course: { archived: false } } },
    include: { currentVersion: true, lesson: { select: { slug: true, title: true, course: { select: { slug: true, title: true } } } } },
  });
  if (!exercise?.currentVersion) return null;
  return {
    id: exercise.id,
    ref: exercise.ref,
    title: exercise.title,
    versionId: exercise.currentVersion.id,
    version: exercise.currentVersion.version,
    spec: parsedSpec(exercise.currentVersion.id, exercise.currentVersion.spec),
    lesson: { slug: exercise.lesson.slug, title: exercise.lesson.title },
    course: exercise.lesson.course,
  };
}

/** The exercises of a lesson with what the list shows. */
export function lessonExercises(db: Db, lessonId: string) {
  return db.exercise.findMany({
    where: { lessonId, archived: false },
    orderBy: { position: 'asc' },
    select: { id: true, ref: true, title: true, currentVersion: { select: { spec: true } } },
  });
}
