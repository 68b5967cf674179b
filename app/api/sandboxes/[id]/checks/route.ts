// POST /api/sandboxes/:id/checks: the authoritative Check. The runner grades the sandbox against
// the version the learner started on; the web app records it as an Attempt with one CheckResult
// per check and updates the progress. An instructor's "Try it" sandbox is graded against the
// draft it was made from, and nothing is recorded.
import type { Exercise } from '@kubelab/exercise-format';
import type { CheckRunForBrowser } from '@/components/learn/types';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { findExercise, parsedSpec, runnerExercise, sandboxSpec } from '@/lib/content/queries';
import { recordAttempt } from '@/lib/progress/record';
import { runners } from '@/lib/runner';
import type { RunnerCheckRun } from '@/lib/runner/wire';
import { apiError, apiJson, runnerFailure } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';
import type { Locale } from '@/lib/i18n/locale';

function outcomesOf(spec: Exercise, run: RunnerCheckRun, locale: Locale) {
  const byId = new Map(run.results.map((r) => [r.id, r]));
  return spec.checks.map((check) => {
    const result = byId.get(check.id);
    return {
      checkId: check.id,
      passed: result?.passed ?? false,
      points: check.points,
      message: result ? result.message[locale] : check.failureMessage[locale],
      // What the learner was told, in their language: the same text the message was filled with.
      observed: result?.observedText?.[locale] ?? result?.observed ?? null,
    };
  });
}

export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  const { locale } = await getI18n();

  if (guard.row.purpose === 'try') {
    const spec = parsedSpec(`try:${guard.row.id}`, guard.row.draftSpec);
    let run;
    try {
      run = await runners().onHost(db(), guard.row, (client) => client.runChecks(guard.row.runnerId, guard.user.id, spec as unknown as Record<string, unknown>));
    } catch (error) {
      return runnerFailure(error);
    }
    const outcomes = outcomesOf(spec, run, locale);
    const body: CheckRunForBrowser = {
      passed: outcomes.every((o) => o.passed),
      points: outcomes.reduce((s, o) => s + (o.passed ? o.points : 0), 0),
      maxPoints: spec.checks.reduce((s, c) => s + c.points, 0),
      results: outcomes.map((o) => ({ id: o.checkId, passed: o.passed, message: o.message, observed: o.observed, points: o.passed ? o.points : 0, maxPoints: o.points })),
    };
    return apiJson(body);
  }

  const exerciseRow = await db().exercise.findUniqueOrThrow({ where: { id: guard.row.exerciseId }, select: { ref: true } });
  const exercise = await findExercise(db(), exerciseRow.ref);
  if (!exercise) return apiError(404, 'EXERCISE_NOT_FOUND', 'this exercise is no longer published');
  const { versionId, spec } = await sandboxSpec(db(), guard.row, exercise);
  let run;
  try {
    const target = versionId === exercise.versionId ? runnerExercise(exercise, spec) : (spec as unknown as Record<string, unknown>);
    run = await runners().onHost(db(), guard.row, (client) => client.runChecks(guard.row.runnerId, guard.user.id, target));
  } catch (error) {
    return runnerFailure(error);
  }
  const outcomes = outcomesOf(spec, run, locale);
  const passed = outcomes.every((o) => o.passed);
  const attempt = await recordAttempt(db(), {
    userId: guard.user.id,
    exerciseId: exercise.id,
    exerciseVersionId: versionId,
    sandboxId: guard.row.id,
    passed,
    outcomes,
    hasQuiz: spec.quiz !== undefined,
  });
  const body: CheckRunForBrowser = {
    passed,
    points: attempt.points,
    maxPoints: spec.checks.reduce((s, c) => s + c.points, 0),
    results: outcomes.map((o) => ({ id: o.checkId, passed: o.passed, message: o.message, observed: o.observed, points: o.passed ? o.points : 0, maxPoints: o.points })),
    attempt: { id: attempt.id, createdAt: attempt.createdAt.toISOString() },
  };
  return apiJson(body);
}
