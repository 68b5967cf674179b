// GET /admin/progress/export?course=&group=: the progress matrix as CSV (one row per learner and
// exercise), streamed. Admins only (401/403 otherwise), through lib/authz.ts.
import { csvResponse } from '@/lib/admin/csv';
import { progressRows } from '@/lib/admin/exports';
import { parseFilters, selectedCohort, selectedCourse } from '@/lib/admin/filters';
import { authorizeRequest } from '@/lib/authz';
import { db } from '@/lib/db';
import { apiError } from '@/lib/runner/responses';

export async function GET(request: Request) {
  const authz = await authorizeRequest(['admin']);
  if (!authz.ok) return apiError(authz.status, authz.code, authz.status === 401 ? 'sign in first' : 'admins only');
  const filters = parseFilters(new URL(request.url).searchParams);
  const [{ course }, cohort] = await Promise.all([selectedCourse(db(), filters.course), selectedCohort(db(), filters.group)]);
  if (!course || (filters.group && !cohort)) return apiError(404, 'not_found', 'no such course or group');
  const exercises = course.lessons.flatMap((l) => l.exercises.map((e) => ({ id: e.id, ref: e.ref })));
  const name = `progress-${course.slug}${cohort ? `-${cohort.name}` : ''}-${new Date().toISOString().slice(0, 10)}.csv`;
  return csvResponse(
    name,
    ['learner', 'email', 'exercise', 'state', 'points', 'attempts', 'seconds_spent', 'started_at', 'passed_at'],
    progressRows(db(), exercises, { cohortId: cohort?.id ?? null }),
  );
}
