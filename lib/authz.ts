// The one authorization checkpoint. Every page, route handler and server action asks here
// who is signed in and whether they may go on; nothing else reads the session.
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from './auth';
import { AREAS, decide } from './authz-policy';
import { db } from './db';
import type { Role } from './roles';

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string | null;
}

/** The signed-in, enabled account of this request, read fresh from the database; else null. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, locale: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale };
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
