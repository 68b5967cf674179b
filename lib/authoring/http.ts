// The authoring API's checkpoint and answers: every route handler under app/api/instructor goes
// through guardAuthor (lib/authz, the authoring area) and answers refusals in one shape:
// {error: {code, message, problems?, current?, diff?}}.
import 'server-only';
import type { NextResponse } from 'next/server';
import type { z } from 'zod';
import { authorizeRequest, type CurrentUser } from '../authz';
import { AREAS } from '../authz-policy';
import { apiError, apiJson } from '../runner/responses';
import { AUTHORING_STATUS, AuthoringError } from './errors';
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
