// The authoring API's checkpoint and answers: every route handler under app/api/instructor goes
// through guardAuthor (lib/authz, the authoring area) and answers refusals in one shape:
// {error: {code, message, problems?, current?, diff?}}.
import 'server-only';
import type { NextResponse } from 'next/server';
import { z } from 'zod';
import type { Exercise } from '@kubelab/exercise-format';
import { authorizeRequest, type CurrentUser } from '../authz';
import { AREAS } from '../authz-policy';
import { db } from '../db';
import { apiError, apiJson } from '../runner/responses';
import { AUTHORING_STATUS, AuthoringError } from './errors';
import { checkExerciseYaml } from './exercise-yaml';
import { MAX_EXERCISE_YAML_CHARS } from './limits';
import { sideBySide } from './side-by-side';

export async function guardAuthor(): Promise<{ ok: true; user: CurrentUser } | { ok: false; response: NextResponse }> {
  const auth = await authorizeRequest(AREAS.authoring);
  if (!auth.ok) return { ok: false, response: apiError(auth.status, auth.code, auth.status === 401 ? 'sign in first' : 'not allowed') };
  return { ok: true, user: auth.user };
}

/** The JSON body parsed by `schema`, or a 400 answer. */
export async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; body: T } | { ok: false; response: NextResponse }> {
  const parsed = schema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, response: apiError(400, 'BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')) };
  return { ok: true, body: parsed.data };
}

/**
 * An AuthoringError as an answer; anything else is rethrown. A refused concurrent save carries
 * the stored text and a side-by-side diff against the caller's text (`mine`).
 */
export function authoringFailure(error: unknown, mine?: string): NextResponse {
  if (!(error instanceof AuthoringError)) throw error;
  const current = error.detail.current;
  return apiJson(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.detail.problems ? { problems: error.detail.problems } : {}),
        ...(current ? { current, diff: mine === undefined ? [] : sideBySide(current.text, mine) } : {}),
      },
    },
    AUTHORING_STATUS[error.code],
  );
}

/** A restore (exercise or lesson): which version, and the revision the editor holds. */
export const restoreBodySchema = z.strictObject({ versionId: z.string().min(1).max(64), baseRevision: z.int().min(0) });

const draftBodySchema = z.strictObject({ yaml: z.string().max(MAX_EXERCISE_YAML_CHARS) });

/**
 * What "Try it" and "Prove it" start from: an author, an exercise, and the text in the editor
 * (`{yaml}`, saved or not) as a valid spec; else the refusal to answer with.
 */
export async function draftFromRequest(
  request: Request,
  exerciseId: string,
): Promise<{ ok: true; user: CurrentUser; exercise: { id: string; ref: string }; yaml: string; spec: Exercise } | { ok: false; response: NextResponse }> {
  const who = await guardAuthor();
  if (!who.ok) return who;
  const input = await readBody(request, draftBodySchema);
  if (!input.ok) return input;
  const exercise = await db().exercise.findUnique({ where: { id: exerciseId }, select: { id: true, ref: true } });
  if (!exercise) return { ok: false, response: apiError(404, 'NOT_FOUND', 'no such exercise') };
  const checked = checkExerciseYaml(input.body.yaml, `${exercise.ref}.yaml`);
  if (!checked.ok) return { ok: false, response: authoringFailure(new AuthoringError('INVALID', 'the exercise is not valid', { problems: checked.problems })) };
  return { ok: true, user: who.user, exercise, yaml: input.body.yaml, spec: checked.spec };
}
