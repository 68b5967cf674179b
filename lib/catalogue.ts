// The course catalogue as the home page shows it: published (not archived) courses in order,
// their lesson and exercise counts (from the cached outline), and, for a signed-in learner, how
// many exercises they passed.
import type { Db } from './db';
import { pick } from './content/text';
import type { Locale } from './i18n/locale';
import { courseOutlines, publishedContent } from './content/published';

export interface CatalogueCourse {
  slug: string;
  title: string;
  summary: string;
  lessons: number;
  exercises: number;
  /** Exercises this user passed in the course; null when nobody is signed in. */
  passed: number | null;
}

export async function listCatalogue(db: Db, locale: Locale, userId?: string): Promise<CatalogueCourse[]> {
  const courses = await courseOutlines(await publishedContent(db));
  const courseOf = new Map(courses.flatMap((c) => c.lessons.flatMap((l) => l.exercises.map((e) => [e.id, c.id] as const))));
  const passedByCourse = new Map<string, number>();
  if (userId) {
    const passed = await db.progress.findMany({ where: { userId, status: 'passed', exerciseId: { in: [...courseOf.keys()] } }, select: { exerciseId: true } });
    for (const { exerciseId } of passed) {
      const courseId = courseOf.get(exerciseId)!;
      passedByCourse.set(courseId, (passedByCourse.get(courseId) ?? 0) + 1);
    }
  }
  return courses.map((c) => ({
    slug: c.slug,
    title: pick(c.title, locale),
    summary: pick(c.summary, locale),
    lessons: c.lessons.length,
    exercises: c.lessons.reduce((sum, l) => sum + l.exercises.length, 0),
    passed: userId ? (passedByCourse.get(c.id) ?? 0) : null,
  }));
}

/** What the authoring area lists: every course with its content and activity counts. */
export async function listAuthoringOverview(db: Db, locale: Locale) {
  const courses = await db.course.findMany({
    orderBy: [{ position: 'asc' }, { slug: 'asc' }],
    select: {
      slug: true,
      title: true,
      archived: true,
      lessons: {
        select: {
          exercises: {
            select: { _count: { select: { versions: true } }, versions: { select: { _count: { select: { attempts: true } } } } },
          },
        },
      },
    },
  });
  return courses.map((c) => {
    const exercises = c.lessons.flatMap((l) => l.exercises);
    return {
      slug: c.slug,
      title: pick(c.title, locale),
      archived: c.archived,
      lessons: c.lessons.length,
      exercises: exercises.length,
      versions: exercises.reduce((sum, e) => sum + e._count.versions, 0),
      attempts: exercises.reduce((sum, e) => sum + e.versions.reduce((s, v) => s + v._count.attempts, 0), 0),
    };
  });
}
