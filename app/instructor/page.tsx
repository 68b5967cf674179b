// The authoring area: every course, lesson and exercise (repository and browser) in one list with
// its source, state and how learners fare; creating lessons; importing a zip. The rule for which
// source wins is stated here, where both sit side by side.
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireInstructor } from '@/lib/authz';
import { listAuthoring } from '@/lib/authoring/overview';
import { db } from '@/lib/db';
import { StackTable } from '@/components/StackTable';
import { NewLessonForm } from '@/components/author/NewLessonForm';
import { ImportForm } from '@/components/author/ImportForm';
import styles from '@/components/author/author.module.css';
import { getAuthorI18n } from '@/messages/author/server';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAuthorI18n()).am.list.title };
}

export default async function InstructorPage() {
  await requireInstructor('/instructor');
  const { am, locale, t } = await getAuthorI18n();
  const courses = await listAuthoring(db(), locale);
  const editorLessons = courses.flatMap((c) => c.lessons.filter((l) => l.origin === 'editor').map((l) => ({ id: l.id, label: `${c.title} / ${l.title}` })));
  const L = am.list;
  const source = (origin: string) => <span className={origin === 'editor' ? styles.source_editor : undefined}>{origin === 'editor' ? L.sourceEditor : L.sourceFiles}</span>;
  return (
    <section aria-labelledby="instructor-title">
      <h1 id="instructor-title">{L.title}</h1>
      <p className="lead">{L.lead}</p>
      <p className="notice" data-testid="source-rule">
        {L.rule}
      </p>
      {courses.length === 0 ? <p className="empty-state">{L.empty}</p> : null}
      {courses.map((c) => (
        <section key={c.id} aria-labelledby={`course-${c.slug}`}>
          <h2 id={`course-${c.slug}`}>
            {c.title} <code>{c.slug}</code>
          </h2>
          <p>
            <a href={`/api/instructor/export?course=${encodeURIComponent(c.slug)}`} download>
              {L.exportCourse}
            </a>
          </p>
          <StackTable columns={[L.colItem, L.colSource, L.colState, L.colLearners]}>
            {c.lessons.map((l) => [
              <tr key={l.id} data-lesson={l.slug}>
                <th scope="row" className={styles.indent1}>
                  <Link href={`/instructor/lessons/${l.id}`}>{l.title}</Link> <code>{l.slug}</code>
                </th>
                <td data-label={L.colSource}>{source(l.origin)}</td>
                <td data-label={L.colState}>{L.states[l.state]}</td>
                <td data-label={L.colLearners}>
                  {l.origin === 'editor' ? <Link href={`/instructor/lessons/${l.id}/exercises/new`}>{L.newExercise}</Link> : null}
                </td>
              </tr>,
              ...l.exercises.map((e) => (
                <tr key={e.id} data-exercise={e.ref}>
                  <th scope="row" className={styles.indent2}>
                    <Link href={`/instructor/exercises/${e.id}`}>{e.title}</Link> <code>{e.ref}</code>
                  </th>
                  <td data-label={L.colSource}>{source(e.origin)}</td>
                  <td data-label={L.colState} data-state={e.state}>
                    {e.draftAhead ? L.states.unpublishedChanges : L.states[e.state]}
                  </td>
                  <td data-label={L.colLearners}>{t(L.learners, { started: e.started, passed: e.passed, attempts: e.attempts })}</td>
                </tr>
              )),
            ])}
          </StackTable>
        </section>
      ))}
      <ImportForm lessons={editorLessons} m={am.importExport} errors={am.errors} />
      <NewLessonForm courses={courses.filter((c) => !c.archived).map((c) => ({ id: c.id, label: c.title }))} m={am.newLesson} errors={am.errors} />
    </section>
  );
}
