// POST /api/sandboxes/:id/checks: the authoritative Check. The runner grades the sandbox; the
// web app records it as an Attempt with one CheckResult per check and updates the progress.
import type { CheckRunForBrowser } from '@/components/learn/types';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { findExercise } from '@/lib/content/queries';
import { recordAttempt } from '@/lib/progress/record';
import { runner } from '@/lib/runner';
import { apiError, apiJson, runnerFailure } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  const exerciseRow = await db().exercise.findUniqueOrThrow({ where: { id: guard.row.exerciseId }, select: { ref: true } });
  const exercise = await findExercise(db(), exerciseRow.ref);
  if (!exercise) return apiError(404, 'EXERCISE_NOT_FOUND', 'this exercise is no longer published');
  const { locale } = await getI18n();
  let run;
  try {
    run = await runner().runChecks(guard.row.runnerId, guard.user.id, exercise.ref);
  } catch (error) {
    return runnerFailure(error);
  }
  const byId = new Map(run.results.map((r) => [r.id, r]));
  const outcomes = exercise.spec.checks.map((check) => {
    const result = byId.get(check.id);
    return {
      checkId: check.id,
      passed: result?.passed ?? false,
      points: check.points,
      message: result ? result.message[locale] : check.failureMessage[locale],
      observed: result?.observed ?? null,
    };
  });
  const passed = outcomes.every((o) => o.passed);
  const attempt = await recordAttempt(db(), {
    userId: guard.user.id,
    exerciseId: exercise.id,
    exerciseVersionId: exercise.versionId,
    sandboxId: guard.row.id,
    passed,
    outcomes,
    hasQuiz: exercise.spec.quiz !== undefined,
  });
  const body: CheckRunForBrowser = {
    passed,
    points: attempt.points,
    maxPoints: exercise.spec.checks.reduce((s, c) => s + c.points, 0),
    results: outcomes.map((o) => ({ id: o.checkId, passed: o.passed, message: o.message, observed: o.observed, points: o.passed ? o.points : 0, maxPoints: o.points })),
    attempt: { id: attempt.id, createdAt: attempt.createdAt.toISOString() },
  };
  return apiJson(body);
}
