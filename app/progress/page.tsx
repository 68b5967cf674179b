// The learner's progress: per course and lesson, every exercise's status and points, and the
// history of attempts (kept even after sandboxes expire or exercises change).
import type { Metadata } from 'next';
import Link from 'next/link';
import { EndSandboxButton } from '@/components/learn/EndSandboxButton';
import { StatusBadge } from '@/components/learn/StatusBadge';
import styles from '@/components/learn/learn.module.css';
import { requireUser } from '@/lib/authz';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { liveSandboxesOf } from '@/lib/progress/sandboxes';
import { attemptHistory, coursesWithProgress } from '@/lib/progress/summary';
import { getLearnI18n } from '@/messages/learn/server';

export async function generateMetadata(): Promise<Metadata> {
  const { lm } = await getLearnI18n();
  return { title: lm.progress.title };
}

export default async function ProgressPage() {
  const user = await requireUser('/progress');
  const { lm, locale, t } = await getLearnI18n();
  const [courses, attempts, sandboxes] = await Promise.all([
    coursesWithProgress(db(), user.id),
    attemptHistory(db(), user.id, undefined, 100),
    liveSandboxesOf(db(), user.id),
  ]);
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className={styles.stack}>
      <h1>{lm.progress.title}</h1>
      <p className={styles.lead}>{lm.progress.lead}</p>
      <section aria-labelledby="my-sandboxes" data-testid="my-sandboxes">
        <h2 id="my-sandboxes">{lm.progress.sandboxesTitle}</h2>
        <p>{lm.progress.sandboxesLead}</p>
        {sandboxes.length === 0 ? (
          <p>{lm.progress.sandboxesEmpty}</p>
        ) : (
          <ul className={styles.exerciseList}>
            {sandboxes.map((s) => (
              <li key={s.id} data-sandbox-row={s.id}>
                <Link href={`/exercises/${s.exercise.ref}`}>{pick(s.exercise.title, locale)}</Link>{' '}
                <small>{t(lm.progress.sandboxSince, { when: when.format(s.createdAt) })}</small>{' '}
                <EndSandboxButton sandboxId={s.id} label={lm.progress.endSandbox} failed={lm.progress.endFailed} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="by-course">
        <h2 id="by-course">{lm.progress.courseTitle}</h2>
        {courses.map((course) => (
          <div key={course.id} className={styles.card} data-testid={`course-progress-${course.slug}`}>
            <h3>
              <Link href={`/courses/${course.slug}`}>{pick(course.title, locale)}</Link>
            </h3>
            <p>{t(lm.catalogue.coursePassed, { passed: course.passed, total: course.exercises, points: course.points, max: course.maxPoints })}</p>
            <ul className={styles.lessonList}>
              {course.lessons.map((lesson) => (
                <li key={lesson.id}>
                  <h4>
                    <Link href={`/courses/${course.slug}/${lesson.slug}`}>{pick(lesson.title, locale)}</Link>{' '}
                    <small>{t(lm.catalogue.lessonPassed, { passed: lesson.passed, total: lesson.exercises.length })}</small>
                  </h4>
                  <ul className={styles.exerciseList}>
                    {lesson.exercises.map((exercise) => (
                      <li key={exercise.id} data-exercise={exercise.ref}>
                        <Link href={`/exercises/${exercise.ref}`}>{pick(exercise.title, locale)}</Link>
                        <StatusBadge status={exercise.status} points={exercise.points} maxPoints={exercise.maxPoints} lm={lm} />
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      <section aria-labelledby="attempt-history">
        <h2 id="attempt-history">{lm.progress.historyTitle}</h2>
        {attempts.length === 0 ? (
          <p>{lm.progress.empty}</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">{lm.progress.when}</th>
                  <th scope="col">{lm.progress.exercise}</th>
                  <th scope="col">{lm.progress.result}</th>
                  <th scope="col">{lm.progress.points}</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((a) => (
                  <tr key={a.id}>
                    <td>{when.format(a.createdAt)}</td>
                    <td>
                      <Link href={`/exercises/${a.exerciseVersion.exercise.ref}`}>{pick(a.exerciseVersion.exercise.title, locale)}</Link>{' '}
                      <small>{t(lm.progress.version, { version: a.exerciseVersion.version })}</small>
                    </td>
                    <td>
                      {a.passed ? lm.exercise.attemptPassed : lm.exercise.attemptFailed} ({a.results.filter((r) => r.passed).length}/{a.results.length})
                    </td>
                    <td>{a.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
