// The exercise page: the tasks (server-rendered Markdown) and the interactive workspace with
// the learner's sandbox, terminal, live checks, hints, solution and attempts. A reload finds
// the same sandbox (and the runner replays the shell's scrollback).
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import type { AttemptForBrowser } from '@/components/learn/ExerciseWorkspace';
import { LearnerExerciseWorkspace } from '@/components/learn/LearnerExerciseWorkspace';
import { QuizForm } from '@/components/learn/QuizForm';
import { Markdown } from '@/components/learn/Markdown';
import { StatusBadge } from '@/components/learn/StatusBadge';
import { Breadcrumb } from '@/components/learn/Breadcrumb';
import styles from '@/components/learn/learn.module.css';
import type { CheckRunForBrowser, SandboxForBrowser, SolutionForBrowser } from '@/components/learn/types';
import { requireUser } from '@/lib/authz';
import { findExercise as find } from '@/lib/content/queries';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { quizQuestionsForBrowser, quizResultForBrowser } from '@/lib/quiz/for-browser';
import { maxPointsOf } from '@/lib/content/published';
import { exerciseWork } from '@/lib/learn/exercise-work';
import { runners } from '@/lib/runner';
import { RunnerClientError } from '@/lib/runner/client';
import { sandboxForBrowser } from '@/lib/runner/responses';
import { stringify } from 'yaml';
import { getLearnI18n } from '@/messages/learn/server';

// One read per request, shared by generateMetadata and the page.
const findExercise = cache(find);

type Params = { params: Promise<{ ref: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { locale } = await getLearnI18n();
  const exercise = await findExercise(db(), (await params).ref);
  return { title: exercise ? pick(exercise.title, locale) : undefined };
}

export default async function ExercisePage({ params }: Params) {
  const { ref } = await params;
  const user = await requireUser(`/exercises/${ref}`);
  const { lm, locale, t } = await getLearnI18n();
  const exercise = await findExercise(db(), ref);
  if (!exercise) notFound();
  const { spec } = exercise;

  const work = await exerciseWork(db(), runners(), user.id, exercise, 20);
  let sandbox: SandboxForBrowser | null = null;
  try {
    const current = await work.sandbox();
    if (current) sandbox = sandboxForBrowser(current.row.id, current.view);
  } catch (error) {
    // The runner being down must not take the page down: the workspace offers to start again.
    if (!(error instanceof RunnerClientError)) throw error;
  }
  const lostSandbox = !sandbox && (await work.lostSandbox());
  const { attempts, hints, solutionShown, progress, lastQuizAnswer } = work;
  const history: AttemptForBrowser[] = attempts.map((a) => ({
    id: a.id,
    createdAt: a.createdAt.toISOString(),
    passed: a.passed,
    points: a.points,
    passedChecks: a.results.filter((r) => r.passed).length,
    totalChecks: a.results.length,
  }));
  const latest = attempts.find((a) => a.exerciseVersion.version === exercise.version);
  const maxPoints = maxPointsOf(spec);
  const lastRun: CheckRunForBrowser | null = latest
    ? {
        passed: latest.passed,
        points: latest.points,
        maxPoints,
        results: latest.results.map((r) => ({
          id: r.checkId,
          passed: r.passed,
          message: r.message,
          observed: typeof r.observed === 'string' ? r.observed : null,
          points: r.points,
          maxPoints: spec.checks.find((c) => c.id === r.checkId)?.points ?? 0,
        })),
      }
    : null;
  const solution: SolutionForBrowser | null = solutionShown
    ? { commands: spec.solution.commands, manifests: spec.solution.manifests.map((m) => stringify(m)), explanation: spec.solution.explanation[locale] }
    : null;
  const copyLabels = { copy: lm.lesson.copy, copied: lm.lesson.copied, label: lm.lesson.copyLabel };

  return (
    <div className={styles.stack}>
      <Breadcrumb
        label={lm.lesson.breadcrumb}
        trail={[
          { href: '/courses', text: lm.catalogue.title },
          { href: `/courses/${exercise.course.slug}`, text: pick(exercise.course.title, locale) },
          { href: `/courses/${exercise.course.slug}/${exercise.lesson.slug}`, text: pick(exercise.lesson.title, locale) },
        ]}
        current={pick(exercise.title, locale)}
      />
      <h1>{pick(exercise.title, locale)}</h1>
      <p className={styles.toolbar}>
        <span>{lm.lesson.difficulty[spec.difficulty]}</span>
        <span>·</span>
        <span>{t(lm.lesson.minutes, { count: spec.estimatedMinutes })}</span>
        <span>·</span>
        <span data-testid="exercise-progress">
          <StatusBadge status={progress?.status ?? 'not_started'} points={progress?.points ?? 0} maxPoints={maxPoints} lm={lm} />
        </span>
      </p>
      <p className={styles.lead}>{spec.description[locale]}</p>
      <LearnerExerciseWorkspace
        exerciseRef={exercise.ref}
        locale={locale}
        initialSandbox={sandbox}
        lostSandbox={lostSandbox}
        checks={spec.checks.map((c) => ({
          id: c.id,
          title: c.title[locale],
          points: c.points,
          hintCount: c.hints.length,
          revealedHints: (hints.get(c.id) ?? []).map((h) => h[locale]),
        }))}
        lastRun={lastRun}
        history={history}
        solution={solution}
        tasks={<Markdown source={spec.tasks[locale]} copyLabels={copyLabels} headingOffset={2} idPrefix="task" />}
      />
      {spec.quiz ? (
        <QuizForm
          exerciseRef={exercise.ref}
          questions={quizQuestionsForBrowser(spec.quiz, locale)}
          passPercent={spec.quiz.passPercent}
          lastResult={lastQuizAnswer ? quizResultForBrowser(spec.quiz, locale, lastQuizAnswer) : null}
          m={lm.quiz}
        />
      ) : null}
    </div>
  );
}
