// What the exercise page shows of one learner's own work on one exercise, loaded on the server:
// their sandbox, attempts, revealed hints and solution, progress and last quiz answer. One
// raw statement first counts what they have of each; only what exists is then read with the
// typed queries. An exercise the learner has not touched yet (most page views while browsing a
// course) costs that one statement instead of six typed queries, each of which Prisma 6.19
// compiles afresh (~1 ms of CPU each, measured with bench/pages.ts). What each query means stays
// in lib/progress, lib/quiz and lib/runner.
import type { Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { revealedHints, solutionRevealed } from '../progress/reveals';
import { attemptHistory } from '../progress/summary';
import type { RunnerRegistry } from '../runner/runner-registry';
import { currentSandbox, type SandboxWithView } from '../runner/learner-sandboxes';
import { lostSandboxFor } from '../runner/lost-sandboxes';

/** How many rows of each kind the learner has for the exercise (a quiz answer counts for the given version). */
export interface ExerciseActivity {
  sandboxes: number;
  attempts: number;
  hints: number;
  solutions: number;
  progress: number;
  quizAnswers: number;
}

export async function exerciseActivity(db: Db, userId: string, exerciseId: string, versionId: string): Promise<ExerciseActivity> {
  // Quoted names and bound parameters: the same statement on SQLite and PostgreSQL (which counts in bigint).
  const [row] = await db.$queryRaw<Record<keyof ExerciseActivity, number | bigint>[]>`
    SELECT
      (SELECT COUNT(*) FROM "Sandbox" WHERE "userId" = ${userId} AND "exerciseId" = ${exerciseId}) AS "sandboxes",
      (SELECT COUNT(*) FROM "Attempt" a JOIN "ExerciseVersion" v ON v."id" = a."exerciseVersionId"
        WHERE a."userId" = ${userId} AND v."exerciseId" = ${exerciseId}) AS "attempts",
      (SELECT COUNT(*) FROM "Reveal" WHERE "userId" = ${userId} AND "exerciseId" = ${exerciseId} AND "kind" = 'hint') AS "hints",
      (SELECT COUNT(*) FROM "Reveal" WHERE "userId" = ${userId} AND "exerciseId" = ${exerciseId} AND "kind" = 'solution') AS "solutions",
      (SELECT COUNT(*) FROM "Progress" WHERE "userId" = ${userId} AND "exerciseId" = ${exerciseId}) AS "progress",
      (SELECT COUNT(*) FROM "QuizAnswer" WHERE "userId" = ${userId} AND "exerciseVersionId" = ${versionId}) AS "quizAnswers"`;
  const count = (key: keyof ExerciseActivity) => Number(row?.[key] ?? 0);
  return {
    sandboxes: count('sandboxes'),
    attempts: count('attempts'),
    hints: count('hints'),
    solutions: count('solutions'),
    progress: count('progress'),
    quizAnswers: count('quizAnswers'),
  };
}

type Attempts = Awaited<ReturnType<typeof attemptHistory>>;
type Hints = Awaited<ReturnType<typeof revealedHints>>;

export interface ExerciseWork {
  /** The live sandbox, checked with its runner; null when there is none. Runner errors propagate (the page decides). */
  sandbox: () => Promise<SandboxWithView | null>;
  /** Whether the newest sandbox was lost with its runner. */
  lostSandbox: () => Promise<boolean>;
  attempts: Attempts;
  hints: Hints;
  solutionShown: boolean;
  progress: Awaited<ReturnType<Db['progress']['findUnique']>>;
  lastQuizAnswer: Awaited<ReturnType<Db['quizAnswer']['findFirst']>>;
}

/** The learner's work on `exercise` as the page shows it; each part read only when the learner has any of it. */
export async function exerciseWork(
  db: Db,
  runners: RunnerRegistry,
  userId: string,
  exercise: { id: string; versionId: string; spec: Pick<Exercise, 'checks' | 'quiz'> },
  attemptsShown: number,
): Promise<ExerciseWork> {
  const has = await exerciseActivity(db, userId, exercise.id, exercise.versionId);
  const noHints: Hints = new Map(exercise.spec.checks.map((c) => [c.id, []]));
  const [attempts, hints, solutionShown, progress, lastQuizAnswer] = await Promise.all([
    has.attempts ? attemptHistory(db, userId, exercise.id, attemptsShown) : ([] as Attempts),
    has.hints ? revealedHints(db, userId, exercise) : noHints,
    has.solutions ? solutionRevealed(db, userId, exercise.id) : false,
    has.progress ? db.progress.findUnique({ where: { userId_exerciseId: { userId, exerciseId: exercise.id } } }) : null,
    exercise.spec.quiz && has.quizAnswers
      ? db.quizAnswer.findFirst({ where: { userId, exerciseVersionId: exercise.versionId }, orderBy: { createdAt: 'desc' } })
      : null,
  ]);
  return {
    sandbox: async () => (has.sandboxes ? currentSandbox(db, runners, userId, exercise.id) : null),
    lostSandbox: async () => has.sandboxes > 0 && lostSandboxFor(db, userId, exercise.id),
    attempts,
    hints,
    solutionShown,
    progress,
    lastQuizAnswer,
  };
}
