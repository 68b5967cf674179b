// Home: the course catalogue, with the visitor's progress when signed in and, for a learner who
// has started, where to pick up.
import Link from 'next/link';
import { getCurrentUser } from '@/lib/authz';
import { decide } from '@/lib/authz-policy';
import { listCatalogue } from '@/lib/catalogue';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { coursesWithProgress, resumeTarget } from '@/lib/progress/summary';
import { ResumeSection } from '@/components/learn/ResumeSection';
import { getLearnI18n } from '@/messages/learn/server';

export default async function HomePage() {
  const { m, t, n, locale } = await getI18n();
  const user = await getCurrentUser();
  const courses = await listCatalogue(db(), locale, user?.id);
  const resume = user ? resumeTarget(await coursesWithProgress(db(), user.id)) : null;
  // "Welcome back" only to someone who has been here before: a new account has no progress yet.
  const returning = user ? (await db().progress.count({ where: { userId: user.id } })) > 0 : false;
  const { lm } = await getLearnI18n();
  const canAuthor = user !== null && decide({ id: user.id, role: user.role, disabled: false }, 'authoring') === 'allow';
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{m.home.title}</h1>
        <p className="lead">{m.home.lead}</p>
        {user ? (
          <p className="welcome">{t(returning ? m.home.welcome : m.home.welcomeNew, { name: user.name })}</p>
        ) : (
          <p className="welcome">
            <Link href="/sign-in">{m.common.signIn}</Link> · <Link href="/sign-up">{m.common.signUp}</Link> —{' '}
            {m.home.signedOutHint}
          </p>
        )}
      </section>
      {resume ? <ResumeSection resume={resume} lm={lm} locale={locale} /> : null}
      <section aria-labelledby="catalogue-title" className="catalogue">
        <h2 id="catalogue-title">{m.home.catalogueTitle}</h2>
        {courses.length === 0 ? (
          <div className="empty-state" data-testid="catalogue-empty">
            <h3>{m.home.emptyTitle}</h3>
            <p>{canAuthor ? m.home.emptyBodyInstructor : m.home.emptyBody}</p>
          </div>
        ) : (
          <ul className="course-grid">
            {courses.map((c) => (
              <li key={c.slug} className="course-card">
                <h3>
                  <Link href={`/courses/${c.slug}`}>{c.title}</Link>
                </h3>
                {c.summary ? <p>{c.summary}</p> : null}
                <p className="course-meta">
                  {n(m.home.lessons, c.lessons)} · {n(m.home.exercises, c.exercises)}
                </p>
                {c.passed !== null && c.exercises > 0 ? (
                  <div className="progress">
                    <progress
                      max={c.exercises}
                      value={c.passed}
                      aria-label={t(m.home.progressLabel, { course: c.title })}
                    />
                    <span>{t(m.home.progress, { passed: c.passed, total: c.exercises })}</span>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
