// POST /api/instructor/exercises/:id/try {yaml}: a sandbox made from the text in the editor,
// saved or not, for the "Try it" workspace (terminal, live checks, Check): the sandbox, and the
// checks and tasks of that text in the reader's language.
import { z } from 'zod';
import { db } from '@/lib/db';
import { checkExerciseYaml } from '@/lib/authoring/exercise-yaml';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { AuthoringError } from '@/lib/authoring/errors';
import { MAX_EXERCISE_YAML_CHARS } from '@/lib/authoring/limits';
import { openTrySandbox } from '@/lib/authoring/try-sandboxes';
import { getI18n } from '@/lib/i18n/server';
import { runner } from '@/lib/runner';
import { apiError, apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ yaml: z.string().max(MAX_EXERCISE_YAML_CHARS) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  const exercise = await db().exercise.findUnique({ where: { id: (await params).id }, select: { id: true, ref: true } });
  if (!exercise) return apiError(404, 'NOT_FOUND', 'no such exercise');
  const checked = checkExerciseYaml(input.body.yaml, `${exercise.ref}.yaml`);
  if (!checked.ok) return authoringFailure(new AuthoringError('INVALID', 'the exercise is not valid', { problems: checked.problems }));
  try {
    const { row, view } = await openTrySandbox(db(), runner(), who.user.id, exercise.id, checked.spec);
    const { locale } = await getI18n();
    return apiJson(
      {
        sandbox: sandboxForBrowser(row.id, view),
        checks: checked.spec.checks.map((c) => ({ id: c.id, title: c.title[locale], points: c.points })),
        tasks: checked.spec.tasks[locale],
      },
      201,
    );
  } catch (error) {
    return runnerFailure(error);
  }
}
