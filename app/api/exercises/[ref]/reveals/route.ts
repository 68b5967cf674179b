// POST /api/exercises/:ref/reveals: reveals the next hint of a check ({kind: "hint", check,
// index}: one at a time, in order) or the solution ({kind: "solution"}, after the page's
// confirmation), records the Reveal, and answers with the text in the reader's language.
import { stringify } from 'yaml';
import { z } from 'zod';
import type { SolutionForBrowser } from '@/components/learn/types';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { findExercise } from '@/lib/content/queries';
import { hintIndex, revealedHints } from '@/lib/progress/reveals';
import { recordReveal } from '@/lib/progress/record';
import { apiError, apiJson } from '@/lib/runner/responses';
import { guardUser } from '@/lib/runner/route-guard';

const bodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hint'), check: z.string().min(1).max(100), index: z.number().int().min(0).max(50) }),
  z.object({ kind: z.literal('solution') }),
]);

export async function POST(request: Request, { params }: { params: Promise<{ ref: string }> }) {
  const who = await guardUser();
  if (!who.ok) return who.response;
  const body = bodySchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return apiError(400, 'BAD_REQUEST', 'expected {"kind":"hint","check":"<id>","index":n} or {"kind":"solution"}');
  const exercise = await findExercise(db(), (await params).ref);
  if (!exercise) return apiError(404, 'EXERCISE_NOT_FOUND', 'no such exercise');
  const { locale } = await getI18n();

  if (body.data.kind === 'solution') {
    await recordReveal(db(), who.user.id, exercise.id, 'solution', 0);
    const solution: SolutionForBrowser = {
      commands: exercise.spec.solution.commands,
      manifests: exercise.spec.solution.manifests.map((m) => stringify(m)),
      explanation: exercise.spec.solution.explanation[locale],
    };
    return apiJson(solution);
  }

  const { check: checkId, index } = body.data;
  const check = exercise.spec.checks.find((c) => c.id === checkId);
  const hint = check?.hints[index];
  if (!check || !hint) return apiError(404, 'HINT_NOT_FOUND', 'no such hint');
  const shown = await revealedHints(db(), who.user.id, exercise);
  if (index > (shown.get(checkId)?.length ?? 0)) return apiError(409, 'HINT_OUT_OF_ORDER', 'hints are revealed one at a time, in order');
  await recordReveal(db(), who.user.id, exercise.id, 'hint', hintIndex(exercise.spec, checkId, index));
  return apiJson({ check: checkId, index, text: hint[locale] });
}
