// The one authorization checkpoint. Every page, route handler and server action asks here
// who is signed in and whether they may go on; nothing else reads the session.
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { enabledAccount, type Account } from './authz-account';
import { sessionCookieName, sessionSecret, sessionTokenFrom, sessionUserId, usesSecureCookies } from './auth-session';
import { AREAS, decide } from './authz-policy';
import { db } from './db';
import { env } from './env';
import type { Role } from './roles';

export type CurrentUser = Account;

/** The signed-in, enabled account of this request, read fresh from the database; else null. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const e = env();
  const name = sessionCookieName(usesSecureCookies(process.env.AUTH_URL ?? process.env.NEXTAUTH_URL, (await headers()).get('x-forwarded-proto')));
  const token = sessionTokenFrom((await cookies()).getAll(), name);
  const id = token && sessionUserId(token, sessionSecret(e.AUTH_SECRET, e.dataDir), name);
  return id ? enabledAccount(db(), id) : null;
});

function signInUrl(returnTo?: string): string {
  return returnTo ? `/sign-in?next=${encodeURIComponent(returnTo)}` : '/sign-in';
}

/**
 * For pages and server actions: the current user if their role is one of `roles`. Otherwise a
 * signed-out visitor is sent to sign-in (coming back to `returnTo`) and anyone else gets the
 * 403 page (app/forbidden.tsx).
 */
export async function requireRole(roles: readonly Role[], returnTo?: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  const decision = decide(user && { ...user, disabled: false }, roles);
  if (decision === 'unauthenticated' || !user) redirect(signInUrl(returnTo));
  if (decision === 'forbidden') forbidden();
  return user;
}

/** Any signed-in account (the learning area). */
export const requireUser = (returnTo?: string) => requireRole(AREAS.learning, returnTo);
/** Instructors and admins (the authoring area). */
export const requireInstructor = (returnTo?: string) => requireRole(AREAS.authoring, returnTo);
/** Admins only. */
export const requireAdmin = (returnTo?: string) => requireRole(AREAS.administration, returnTo);

export type ApiAuthorization =
  | { ok: true; user: CurrentUser }
  | { ok: false; status: 401 | 403; code: 'UNAUTHENTICATED' | 'FORBIDDEN' };

/** For route handlers: answers 401 or 403 instead of redirecting. */
export async function authorizeRequest(roles: readonly Role[]): Promise<ApiAuthorization> {
  const user = await getCurrentUser();
  const decision = decide(user && { ...user, disabled: false }, roles);
  if (decision === 'allow' && user) return { ok: true, user };
  return decision === 'forbidden'
    ? { ok: false, status: 403, code: 'FORBIDDEN' }
    : { ok: false, status: 401, code: 'UNAUTHENTICATED' };
}
