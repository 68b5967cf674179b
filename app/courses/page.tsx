// The catalogue: every course with the learner's progress, and where to pick up.
import type { Metadata } from 'next';
import Link from 'next/link';
import { getCurrentUser } from '@/lib/authz';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { coursesWithProgress, resumeTarget } from '@/lib/progress/summary';
import { getLearnI18n } from '@/messages/learn/server';
import { ResumeSection } from '@/components/learn/ResumeSection';
import styles from '@/components/learn/learn.module.css';

export async function generateMetadata(): Promise<Metadata> {
  const { lm } = await getLearnI18n();
  return { title: lm.catalogue.title };
}

export default async function CataloguePage() {
  const user = await getCurrentUser();
  const { lm, locale, t, n } = await getLearnI18n();
  const courses = await coursesWithProgress(db(), user?.id ?? null);
  const resume = user ? resumeTarget(courses) : null;
  return (
    <div className={styles.stack}>
      <h1>{lm.catalogue.title}</h1>
      <p className={styles.lead}>{lm.catalogue.lead}</p>
      {resume ? <ResumeSection resume={resume} lm={lm} locale={locale} /> : null}
      {courses.length === 0 ? <p>{lm.catalogue.empty}</p> : null}
      <ul className={styles.cards}>
        {courses.map((course) => (
          <li key={course.id} className={styles.card}>
            <h2>
              <Link href={`/courses/${course.slug}`}>{pick(course.title, locale)}</Link>
            </h2>
            <p>{pick(course.summary, locale)}</p>
            <p>
              {n(lm.catalogue.lessonCount, course.lessons.length)} · {n(lm.catalogue.exerciseCount, course.exercises)}
            </p>
            {user ? (
              <>
                <p id={`progress-${course.slug}`}>
                  {t(lm.catalogue.coursePassed, { passed: course.passed, total: course.exercises, points: course.points, max: course.maxPoints })}
                </p>
                <progress className={styles.meter} max={Math.max(1, course.exercises)} value={course.passed} aria-labelledby={`progress-${course.slug}`} />
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
