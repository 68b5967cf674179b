// What the lesson reader shows of one learner's progress: the status and points of each of the
// lesson's exercises, and the course's totals. The same figures as lib/progress/summary's
// coursesWithProgress, read with one raw statement: a typed Prisma query is compiled afresh on
// every call (Prisma 6.19), and on the lesson page that compile was about a twentieth of the
// page's CPU time (bench/pages.ts).
import type { OutlineCourse } from '../content/published';
import type { Db } from '../db';
import type { ExerciseStatus } from '../progress/summary';

export interface LessonExerciseProgress {
  id: string;
  ref: string;
  title: unknown;
  status: ExerciseStatus;
  points: number;
  maxPoints: number;
}

export interface LessonProgress {
  /** The lesson's exercises in order, each with the learner's status and points. */
  exercises: LessonExerciseProgress[];
  /** The whole course: exercises, how many passed, points earned of the maximum. */
  course: { exercises: number; passed: number; points: number; maxPoints: number };
}

const STATUSES: readonly string[] = ['not_started', 'in_progress', 'passed'] satisfies ExerciseStatus[];

/** The learner's progress on lesson `lessonId` of `course` (an outline of the published content). */
export async function lessonProgress(db: Db, userId: string, course: OutlineCourse, lessonId: string): Promise<LessonProgress> {
  // Quoted names and one bound parameter: the same statement on SQLite and PostgreSQL.
  const rows = await db.$queryRaw<{ exerciseId: string; status: string; points: number | bigint }[]>`
    SELECT "exerciseId", "status", "points" FROM "Progress" WHERE "userId" = ${userId}`;
  const byExercise = new Map(rows.map((row) => [row.exerciseId, row]));
  const withProgress = (exercise: OutlineCourse['lessons'][number]['exercises'][number]): LessonExerciseProgress => {
    const row = byExercise.get(exercise.id);
    const status = row && STATUSES.includes(row.status) ? (row.status as ExerciseStatus) : 'not_started';
    return { id: exercise.id, ref: exercise.ref, title: exercise.title, status, points: Number(row?.points ?? 0), maxPoints: exercise.maxPoints };
  };
  const all = course.lessons.flatMap((lesson) => lesson.exercises.map(withProgress));
  const inLesson = new Set(course.lessons.find((lesson) => lesson.id === lessonId)?.exercises.map((e) => e.id));
  return {
    exercises: all.filter((e) => inLesson.has(e.id)),
    course: {
      exercises: all.length,
      passed: all.filter((e) => e.status === 'passed').length,
      points: all.reduce((sum, e) => sum + e.points, 0),
      maxPoints: all.reduce((sum, e) => sum + e.maxPoints, 0),
    },
  };
}
