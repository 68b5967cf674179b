// The authoring area: what content is synced, its versions and how much it is used.
import type { Metadata } from 'next';
import { requireInstructor } from '@/lib/authz';
import { listAuthoringOverview } from '@/lib/catalogue';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { StackTable } from '@/components/StackTable';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).m.instructor.title };
}

export default async function InstructorPage() {
  await requireInstructor('/instructor');
  const { m, locale } = await getI18n();
  const courses = await listAuthoringOverview(db(), locale);
  return (
    <section aria-labelledby="instructor-title">
      <h1 id="instructor-title">{m.instructor.title}</h1>
      <p className="lead">{m.instructor.lead}</p>
      {courses.length === 0 ? (
        <div className="empty-state">
          <p>{m.instructor.empty}</p>
        </div>
      ) : (
        <StackTable columns={[m.instructor.colCourse, m.instructor.colLessons, m.instructor.colExercises, m.instructor.colVersions, m.instructor.colAttempts]}>
          {courses.map((c) => (
            <tr key={c.slug} className={c.archived ? 'archived' : undefined}>
              <th scope="row">
                {c.title} <code>{c.slug}</code>
              </th>
              <td data-label={m.instructor.colLessons}>{c.lessons}</td>
              <td data-label={m.instructor.colExercises}>{c.exercises}</td>
              <td data-label={m.instructor.colVersions}>{c.versions}</td>
              <td data-label={m.instructor.colAttempts}>{c.attempts}</td>
            </tr>
          ))}
        </StackTable>
      )}
    </section>
  );
}
