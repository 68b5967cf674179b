// The lesson reader: the lesson's Markdown rendered on the server (diagrams with their alt
// text, code blocks with copy buttons), its exercises with the learner's progress, and the
// course's other lessons. The reader's section is kept in ?at= across a language switch.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { Markdown } from '@/components/learn/Markdown';
import { SectionTracker } from '@/components/learn/SectionTracker';
import { StatusBadge } from '@/components/learn/StatusBadge';
import { Breadcrumb } from '@/components/learn/Breadcrumb';
import styles from '@/components/learn/learn.module.css';
import { requireUser } from '@/lib/authz';
import { findLesson as find } from '@/lib/content/queries';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { lessonProgress } from '@/lib/learn/lesson-progress';
import { getLearnI18n } from '@/messages/learn/server';

// One read per request, shared by generateMetadata and the page.
const findLesson = cache(find);

type Params = { params: Promise<{ course: string; lesson: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { course, lesson } = await params;
  const { locale } = await getLearnI18n();
  const found = await findLesson(db(), course, lesson);
  return { title: found ? pick(found.lesson.title, locale) : undefined };
}

export default async function LessonPage({ params }: Params) {
  const { course: courseSlug, lesson: lessonSlug } = await params;
  const user = await requireUser(`/courses/${courseSlug}/${lessonSlug}`);
  const { lm, locale, t } = await getLearnI18n();
  const found = await findLesson(db(), courseSlug, lessonSlug);
  if (!found) notFound();
  const { course, lesson, previous, next } = found;
  const { exercises, course: progress } = await lessonProgress(db(), user.id, course, lesson.id);
  return (
    <div className={styles.readerLayout}>
      <article id="lesson-text" lang={locale}>
        <Breadcrumb
          label={lm.lesson.breadcrumb}
          trail={[{ href: '/courses', text: lm.catalogue.title }, { href: `/courses/${course.slug}`, text: pick(course.title, locale) }]}
          current={pick(lesson.title, locale)}
        />
        <h1>{pick(lesson.title, locale)}</h1>
        <Markdown
          source={lesson.text[locale]}
          figureBase={`/courses/${course.slug}/${lesson.slug}/figures`}
          headingOffset={0}
          copyLabels={{ copy: lm.lesson.copy, copied: lm.lesson.copied, label: lm.lesson.copyLabel }}
        />
        {/* Keyed by language: the switch re-renders this page in place, and the new tracker restores the place. */}
        <SectionTracker key={locale} containerId="lesson-text" />
        <section aria-labelledby="lesson-exercises">
          <h2 id="lesson-exercises">{lm.lesson.exercisesTitle}</h2>
          {exercises.length === 0 ? <p>{lm.lesson.noExercises}</p> : null}
          <ul className={styles.exerciseList}>
            {exercises.map((exercise) => (
              <li key={exercise.id}>
                <Link href={`/exercises/${exercise.ref}`}>{pick(exercise.title, locale)}</Link>
                <StatusBadge status={exercise.status} points={exercise.points} maxPoints={exercise.maxPoints} lm={lm} />
              </li>
            ))}
          </ul>
        </section>
        <nav aria-label={lm.lesson.lessonNav} className={styles.toolbar}>
          {previous ? (
            <Link rel="prev" href={`/courses/${course.slug}/${previous.slug}`}>
              ← {lm.lesson.previous}: {pick(previous.title, locale)}
            </Link>
          ) : null}
          {next ? (
            <Link rel="next" href={`/courses/${course.slug}/${next.slug}`}>
              {lm.lesson.next}: {pick(next.title, locale)} →
            </Link>
          ) : null}
        </nav>
      </article>
      <aside className={styles.aside} aria-labelledby="course-lessons">
        <h2 id="course-lessons">{pick(course.title, locale)}</h2>
        <ol>
          {course.lessons.map((l) => (
            <li key={l.id}>
              <Link href={`/courses/${course.slug}/${l.slug}`} aria-current={l.id === lesson.id ? 'page' : undefined}>
                {pick(l.title, locale)}
              </Link>
            </li>
          ))}
        </ol>
        <p>{t(lm.catalogue.coursePassed, { passed: progress.passed, total: progress.exercises, points: progress.points, max: progress.maxPoints })}</p>
      </aside>
    </div>
  );
}
