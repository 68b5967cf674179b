// POST /api/sandboxes {exercise}: the learner's sandbox for an exercise, resumed if its runner
// still has it, else created on the runner with the most free capacity (which answers once it is ready).
// GET /api/sandboxes?exercise=<id>: while that POST is in flight, the runner's progress on it
// (state and history of the learner's newest sandbox for the exercise, from whichever runner is
// making it), for the stage display.
import { z } from 'zod';
import { db } from '@/lib/db';
import { findExercise } from '@/lib/content/queries';
import { runners } from '@/lib/runner';
import { sandboxCreationLimiter } from '@/lib/abuse-limits';
import { SandboxCreationThrottled, openSandbox } from '@/lib/runner/learner-sandboxes';
import { apiError, apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';
import { guardUser } from '@/lib/runner/route-guard';

const bodySchema = z.object({ exercise: z.string().min(1).max(200) });

export async function POST(request: Request) {
  const who = await guardUser();
  if (!who.ok) return who.response;
  const body = bodySchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return apiError(400, 'BAD_REQUEST', 'expected {"exercise": "<exercise id>"}');
  const exercise = await findExercise(db(), body.data.exercise);
  if (!exercise) return apiError(404, 'EXERCISE_NOT_FOUND', `no exercise "${body.data.exercise}"`);
  try {
    const { row, view } = await openSandbox(db(), runners(), who.user.id, exercise, () => sandboxCreationLimiter().take(who.user.id));
    return apiJson(sandboxForBrowser(row.id, view), 201);
  } catch (error) {
    if (error instanceof SandboxCreationThrottled) {
      const response = apiError(429, error.code, error.message);
      response.headers.set('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
      return response;
    }
    return runnerFailure(error);
  }
}

export async function GET(request: Request) {
  const who = await guardUser();
  if (!who.ok) return who.response;
  const exercise = new URL(request.url).searchParams.get('exercise');
  if (!exercise || exercise.length > 200) return apiError(400, 'BAD_REQUEST', 'expected ?exercise=<exercise id>');
  try {
    const mine = (await runners().listEverywhere(db(), who.user.id))
      // A browser-made exercise reaches the runner as a whole spec, which it lists as "draft:<id>".
      .filter((s) => s.exercise === exercise || s.exercise === `draft:${exercise}`)
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    const latest = mine[0];
    return apiJson(latest ? { state: latest.state, createdAt: latest.createdAt ?? null, history: latest.history } : { state: null });
  } catch (error) {
    return runnerFailure(error);
  }
}
