// One course: its lessons in order, each with its exercises and the learner's progress.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StatusBadge } from '@/components/learn/StatusBadge';
import { Breadcrumb } from '@/components/learn/Breadcrumb';
import styles from '@/components/learn/learn.module.css';
import { requireUser } from '@/lib/authz';
import { courseOutlines, publishedContent } from '@/lib/content/published';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { coursesWithProgress } from '@/lib/progress/summary';
import { getLearnI18n } from '@/messages/learn/server';

type Params = { params: Promise<{ course: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { locale } = await getLearnI18n();
  const slug = (await params).course;
  const course = (await courseOutlines(await publishedContent(db()))).find((c) => c.slug === slug);
  return { title: course ? pick(course.title, locale) : undefined };
}

export default async function CoursePage({ params }: Params) {
  const { course: slug } = await params;
  const user = await requireUser(`/courses/${slug}`);
  const { lm, locale, t } = await getLearnI18n();
  const [course] = await coursesWithProgress(db(), user.id, slug);
  if (!course) notFound();
  return (
    <div className={styles.stack}>
      <Breadcrumb label={lm.lesson.breadcrumb} trail={[{ href: '/courses', text: lm.catalogue.title }]} current={pick(course.title, locale)} />
      <h1>{pick(course.title, locale)}</h1>
      <p className={styles.lead}>{pick(course.summary, locale)}</p>
      <p>{t(lm.catalogue.coursePassed, { passed: course.passed, total: course.exercises, points: course.points, max: course.maxPoints })}</p>
      <ol className={styles.lessonList}>
        {course.lessons.map((lesson) => (
          <li key={lesson.id}>
            <h2>
              <Link href={`/courses/${course.slug}/${lesson.slug}`}>{pick(lesson.title, locale)}</Link>
            </h2>
            <p>{t(lm.catalogue.lessonPassed, { passed: lesson.passed, total: lesson.exercises.length })}</p>
            {lesson.exercises.length > 0 ? (
              <ul className={styles.exerciseList}>
                {lesson.exercises.map((exercise) => (
                  <li key={exercise.id}>
                    <Link href={`/exercises/${exercise.ref}`}>{pick(exercise.title, locale)}</Link>
                    <StatusBadge status={exercise.status} points={exercise.points} maxPoints={exercise.maxPoints} lm={lm} />
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
