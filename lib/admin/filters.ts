// The progress dashboards' filters, parsed from the URL (hostile input: zod at the boundary),
// and the course outline they apply to.
import { z } from 'zod';
import type { Db } from '../db';
import { coursesWithProgress, type CourseProgress } from '../progress/summary';

const filterSchema = z.object({
  course: z.string().regex(/^[a-z0-9-]{1,100}$/).optional().catch(undefined),
  group: z.string().regex(/^[a-z0-9]{1,40}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(0).max(100_000).optional().catch(undefined),
});

export interface ProgressFilters {
  course?: string;
  group?: string;
  page: number;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

export function parseFilters(params: Params): ProgressFilters {
  const get = (key: string) => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    return (Array.isArray(value) ? value[0] : value) ?? undefined;
  };
  const parsed = filterSchema.parse({ course: get('course'), group: get('group'), page: get('page') });
  return { course: parsed.course, group: parsed.group, page: parsed.page ?? 0 };
}

/** The filters as a query string (for links that keep them). */
export function filterQuery(filters: Partial<ProgressFilters>): string {
  const q = new URLSearchParams();
  if (filters.course) q.set('course', filters.course);
  if (filters.group) q.set('group', filters.group);
  if (filters.page) q.set('page', String(filters.page));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Every course (for the filter) and the selected one's outline (the first when none is chosen). */
export async function selectedCourse(db: Db, slug: string | undefined): Promise<{ courses: CourseProgress[]; course: CourseProgress | null }> {
  const courses = await coursesWithProgress(db, null);
  return { courses, course: courses.find((c) => c.slug === slug) ?? courses[0] ?? null };
}

/** The cohort id if it exists (an unknown id filters nothing rather than everything). */
export async function selectedCohort(db: Db, id: string | undefined) {
  return id ? db.cohort.findUnique({ where: { id }, select: { id: true, name: true } }) : null;
}
