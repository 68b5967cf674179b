// Syncs the course content of exercises/ into the database. Courses, lessons and exercises are
// matched by slug (exercise: by its id, the `ref` the lab-runner knows); an exercise whose file
// changed gets a new ExerciseVersion (by content hash) and attempts keep pointing at theirs.
// Nothing that attempts, reveals, sandboxes or progress reference is ever deleted: content that
// left the files is archived, and comes back (unarchived) if it returns.
// Content made in the browser (origin "editor") is never touched: a file whose id an editor row
// already holds is skipped and reported in `conflicts` (the browser's content wins, nothing is
// overwritten silently), and editor rows are never archived for being absent from the files.
import { createHash } from 'node:crypto';
import type { LoadedCourse } from '@kubelab/exercise-format';
import type { Db } from '../db';

/** Setting key holding the hash of the content last synced: equal hash, nothing to do. */
export const CONTENT_HASH_SETTING = 'content.hash';

export interface SyncSummary {
  /** false when the stored content hash matched and nothing was read or written. */
  changed: boolean;
  hash: string;
  courses: number;
  lessons: number;
  exercises: number;
  /** Exercises that got a new ExerciseVersion in this sync (first versions included). */
  newVersions: string[];
  /** Slugs/refs archived because they are no longer in the files. */
  archived: string[];
  /** Files skipped because content made in the browser holds their id. */
  conflicts: string[];
}

/** One hash over every course, so an unchanged tree is recognised with one query. */
export function contentHash(courses: readonly LoadedCourse[]): string {
  const hash = createHash('sha256');
  for (const course of courses) hash.update(course.spec.id).update('\0').update(course.hash).update('\0');
  return hash.digest('hex');
}

/** Canonical JSON (sorted keys), so the same spec always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function specHash(spec: unknown): string {
  return createHash('sha256').update(canonical(spec)).digest('hex');
}

export async function syncContent(db: Db, courses: readonly LoadedCourse[], options: { force?: boolean } = {}): Promise<SyncSummary> {
  const hash = contentHash(courses);
  const summary: SyncSummary = { changed: false, hash, courses: 0, lessons: 0, exercises: 0, newVersions: [], archived: [], conflicts: [] };
  if (!options.force) {
    const stored = await db.setting.findUnique({ where: { key: CONTENT_HASH_SETTING } });
    if (stored?.value === JSON.stringify(hash)) return summary;
  }
  summary.changed = true;

  const seenCourses = new Set<string>();
  const seenLessons = new Set<string>();
  const seenExercises = new Set<string>();

  const editorCourses = new Set((await db.course.findMany({ where: { origin: 'editor' }, select: { slug: true } })).map((c) => c.slug));
  for (const [courseIndex, course] of courses.entries()) {
    if (editorCourses.has(course.spec.id)) {
      summary.conflicts.push(`course ${course.spec.id}`);
      continue;
    }
    const courseRow = await db.course.upsert({
      where: { slug: course.spec.id },
      create: { slug: course.spec.id, title: course.spec.title, summary: course.spec.description, position: courseIndex },
      update: { title: course.spec.title, summary: course.spec.description, position: courseIndex, archived: false },
    });
    seenCourses.add(courseRow.id);
    summary.courses += 1;

    for (const lesson of course.lessons) {
      const existingLesson = await db.lesson.findUnique({ where: { courseId_slug: { courseId: courseRow.id, slug: lesson.spec.id } }, select: { origin: true } });
      if (existingLesson?.origin === 'editor') {
        summary.conflicts.push(`lesson ${course.spec.id}/${lesson.spec.id}`);
        continue;
      }
      const lessonRow = await db.lesson.upsert({
        where: { courseId_slug: { courseId: courseRow.id, slug: lesson.spec.id } },
        create: { courseId: courseRow.id, slug: lesson.spec.id, title: lesson.spec.title, body: lesson.markdown, position: lesson.spec.order },
        update: { title: lesson.spec.title, body: lesson.markdown, position: lesson.spec.order, archived: false },
      });
      seenLessons.add(lessonRow.id);
      summary.lessons += 1;

      for (const [exerciseIndex, exercise] of lesson.exercises.entries()) {
        const ref = exercise.spec.id;
        const existingExercise = await db.exercise.findUnique({ where: { ref }, select: { origin: true } });
        if (existingExercise?.origin === 'editor') {
          summary.conflicts.push(`exercise ${ref}`);
          continue;
        }
        // An exercise may move between lessons; it stays the same row (its attempts follow it).
        const exerciseRow = await db.exercise.upsert({
          where: { ref },
          create: { ref, lessonId: lessonRow.id, slug: ref, title: exercise.spec.title, position: exerciseIndex + 1 },
          update: { lessonId: lessonRow.id, slug: ref, title: exercise.spec.title, position: exerciseIndex + 1, archived: false },
        });
        seenExercises.add(exerciseRow.id);
        summary.exercises += 1;

        const versionHash = specHash(exercise.spec);
        let version = await db.exerciseVersion.findUnique({
          where: { exerciseId_contentHash: { exerciseId: exerciseRow.id, contentHash: versionHash } },
        });
        if (!version) {
          const last = await db.exerciseVersion.findFirst({ where: { exerciseId: exerciseRow.id }, orderBy: { version: 'desc' } });
          version = await db.exerciseVersion.create({
            data: {
              exerciseId: exerciseRow.id,
              version: (last?.version ?? 0) + 1,
              contentHash: versionHash,
              spec: exercise.spec as object,
              source: 'files',
            },
          });
          summary.newVersions.push(ref);
        }
        if (exerciseRow.currentVersionId !== version.id) {
          await db.exercise.update({ where: { id: exerciseRow.id }, data: { currentVersionId: version.id } });
        }
      }
    }
  }

  // Archive (never delete) whatever left the files.
  const goneExercises = await db.exercise.findMany({ where: { archived: false, origin: 'files', id: { notIn: [...seenExercises] } }, select: { id: true, ref: true } });
  const goneLessons = await db.lesson.findMany({ where: { archived: false, origin: 'files', id: { notIn: [...seenLessons] } }, select: { id: true, slug: true } });
  const goneCourses = await db.course.findMany({ where: { archived: false, origin: 'files', id: { notIn: [...seenCourses] } }, select: { id: true, slug: true } });
  if (goneExercises.length) await db.exercise.updateMany({ where: { id: { in: goneExercises.map((e) => e.id) } }, data: { archived: true } });
  if (goneLessons.length) await db.lesson.updateMany({ where: { id: { in: goneLessons.map((l) => l.id) } }, data: { archived: true } });
  if (goneCourses.length) await db.course.updateMany({ where: { id: { in: goneCourses.map((c) => c.id) } }, data: { archived: true } });
  summary.archived = [...goneCourses.map((c) => c.slug), ...goneLessons.map((l) => l.slug), ...goneExercises.map((e) => e.ref)];

  const value = JSON.stringify(hash);
  await db.setting.upsert({ where: { key: CONTENT_HASH_SETTING }, create: { key: CONTENT_HASH_SETTING, value }, update: { value } });
  return summary;
}
