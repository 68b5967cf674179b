// What the catalogue, lesson and progress pages show: each exercise's status and points for one
// learner, rolled up per lesson and course, and where to resume.
import type { Db } from '../db';
import { courseOutlines, publishedContent } from '../content/published';

export type ExerciseStatus = 'not_started' | 'in_progress' | 'passed';

export interface ExerciseProgress {
  id: string;
  ref: string;
  title: unknown;
  position: number;
  status: ExerciseStatus;
  points: number;
  maxPoints: number;
  updatedAt: Date | null;
}

export interface LessonProgress {
  id: string;
  slug: string;
  title: unknown;
  position: number;
  exercises: ExerciseProgress[];
  passed: number;
  points: number;
  maxPoints: number;
}

export interface CourseProgress {
  id: string;
  slug: string;
  title: unknown;
  summary: unknown;
  lessons: LessonProgress[];
  exercises: number;
  passed: number;
  points: number;
  maxPoints: number;
}

/** Every published course with one learner's progress (userId null: a visitor, all not started). */
export async function coursesWithProgress(db: Db, userId: string | null, courseSlug?: string): Promise<CourseProgress[]> {
  const outlines = await courseOutlines(await publishedContent(db));
  const courses = courseSlug ? outlines.filter((c) => c.slug === courseSlug) : outlines;
  const progress = userId ? await db.progress.findMany({ where: { userId } }) : [];
  const byExercise = new Map(progress.map((p) => [p.exerciseId, p]));
  return courses.map((course) => {
    const lessons = course.lessons.map((lesson) => {
      const exercises = lesson.exercises.map((e): ExerciseProgress => {
        const p = byExercise.get(e.id);
        return {
          id: e.id,
          ref: e.ref,
          title: e.title,
          position: e.position,
          status: p?.status ?? 'not_started',
          points: p?.points ?? 0,
          maxPoints: e.maxPoints,
          updatedAt: p?.updatedAt ?? null,
        };
      });
      return {
        id: lesson.id,
        slug: lesson.slug,
        title: lesson.title,
        position: lesson.position,
        exercises,
        passed: exercises.filter((e) => e.status === 'passed').length,
        points: exercises.reduce((s, e) => s + e.points, 0),
        maxPoints: exercises.reduce((s, e) => s + e.maxPoints, 0),
      };
    });
    const all = lessons.flatMap((l) => l.exercises);
    return {
      id: course.id,
      slug: course.slug,
      title: course.title,
      summary: course.summary,
      lessons,
      exercises: all.length,
      passed: all.filter((e) => e.status === 'passed').length,
      points: all.reduce((s, e) => s + e.points, 0),
      maxPoints: all.reduce((s, e) => s + e.maxPoints, 0),
    };
  });
}

export interface ResumeTarget {
  courseSlug: string;
  lessonSlug: string;
  exerciseRef: string;
  title: unknown;
  /** in_progress: continue it; next: the first exercise not yet passed after what was done. */
  reason: 'in_progress' | 'next';
}

/** Where to pick up: the exercise worked on most recently if not passed, else the next one not passed. */
export function resumeTarget(courses: readonly CourseProgress[]): ResumeTarget | null {
  const flat = courses.flatMap((c) => c.lessons.flatMap((l) => l.exercises.map((e) => ({ course: c, lesson: l, exercise: e }))));
  const touched = flat.filter((x) => x.exercise.updatedAt !== null).sort((a, b) => b.exercise.updatedAt!.getTime() - a.exercise.updatedAt!.getTime());
  const latest = touched[0];
  if (!latest) return null;
  if (latest.exercise.status !== 'passed') {
    return { courseSlug: latest.course.slug, lessonSlug: latest.lesson.slug, exerciseRef: latest.exercise.ref, title: latest.exercise.title, reason: 'in_progress' };
  }
  const from = flat.indexOf(latest);
  const next = [...flat.slice(from + 1), ...flat.slice(0, from)].find((x) => x.exercise.status !== 'passed');
  if (!next) return null;
  return { courseSlug: next.course.slug, lessonSlug: next.lesson.slug, exerciseRef: next.exercise.ref, title: next.exercise.title, reason: 'next' };
}

/** One learner's attempts, newest first, optionally for one exercise. */
export function attemptHistory(db: Db, userId: string, exerciseId?: string, take = 50) {
  return db.attempt.findMany({
    where: { userId, ...(exerciseId ? { exerciseVersion: { exerciseId } } : {}) },
    orderBy: { createdAt: 'desc' },
    take,
    include: {
      results: { orderBy: { id: 'asc' } },
      exerciseVersion: { select: { version: true, exercise: { select: { ref: true, title: true } } } },
    },
  });
}
