// The checkpoint of every learner sandbox route: signed in (lib/authz), and the sandbox row
// names this user. Someone else's sandbox answers exactly like one that does not exist.
import type { Sandbox } from '@prisma/client';
import type { NextResponse } from 'next/server';
import { authorizeRequest, type CurrentUser } from '../authz';
import { AREAS } from '../authz-policy';
import { db } from '../db';
import { ownedSandbox } from '../progress/sandboxes';
import { apiError } from './responses';

export type Guarded = { ok: true; user: CurrentUser; row: Sandbox } | { ok: false; response: NextResponse };

export async function guardUser(): Promise<{ ok: true; user: CurrentUser } | { ok: false; response: NextResponse }> {
  const auth = await authorizeRequest(AREAS.learning);
  if (!auth.ok) return { ok: false, response: apiError(auth.status, auth.code, auth.status === 401 ? 'sign in first' : 'not allowed') };
  return { ok: true, user: auth.user };
}

export async function guardSandbox(sandboxId: string): Promise<Guarded> {
  const who = await guardUser();
  if (!who.ok) return who;
  const row = await ownedSandbox(db(), who.user.id, sandboxId);
  if (!row) return { ok: false, response: apiError(404, 'SANDBOX_NOT_FOUND', 'no such sandbox') };
  return { ok: true, user: who.user, row };
}
