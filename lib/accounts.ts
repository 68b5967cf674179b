// Accounts: checking credentials, learner self-sign-up, and the admin's changes to users.
// Authorization is not decided here: callers go through lib/authz.ts first.
import { z } from 'zod';
import type { Db } from './db';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword, verifyAgainstDummy, verifyPassword } from './password';
import type { Role } from './roles';
import { isSignupOpen } from './settings';

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const signUpSchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
});

export interface AccountUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export type AuthenticateResult = { ok: true; user: AccountUser } | { ok: false; reason: 'invalid' | 'disabled' };

/**
 * Checks an email and password. An unknown email and a wrong password are the same answer
 * ('invalid') and cost the same time; 'disabled' is only said once the password was right,
 * so it never tells a stranger whether an address is registered.
 */
export async function authenticate(db: Db, email: string, password: string): Promise<AuthenticateResult> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    await verifyAgainstDummy(password);
    return { ok: false, reason: 'invalid' };
  }
  if (!(await verifyPassword(password, user.passwordHash))) return { ok: false, reason: 'invalid' };
  if (user.disabled) return { ok: false, reason: 'disabled' };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

export type SignUpResult = { ok: true; user: AccountUser } | { ok: false; reason: 'signup_closed' | 'email_taken' };

/** Creates a learner account (self-sign-up never grants another role). */
export async function registerLearner(
  db: Db,
  input: z.output<typeof signUpSchema>,
  signupOpenByDefault: boolean,
  locale?: string,
): Promise<SignUpResult> {
  if (!(await isSignupOpen(db, signupOpenByDefault))) return { ok: false, reason: 'signup_closed' };
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: 'learner', locale: locale ?? null },
    });
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') return { ok: false, reason: 'email_taken' };
    throw e;
  }
}

export type AdminChangeResult = { ok: true } | { ok: false; reason: 'not_found' | 'self' };

/** An admin changes another user's role. Admins cannot change their own, so one always remains. */
export async function changeRole(db: Db, actorId: string, userId: string, role: Role): Promise<AdminChangeResult> {
  if (actorId === userId) return { ok: false, reason: 'self' };
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { role } });
  return count === 1 ? { ok: true } : { ok: false, reason: 'not_found' };
}

/** An admin disables or re-enables another user's account. */
export async function setDisabled(db: Db, actorId: string, userId: string, disabled: boolean): Promise<AdminChangeResult> {
  if (actorId === userId) return { ok: false, reason: 'self' };
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { disabled } });
  return count === 1 ? { ok: true } : { ok: false, reason: 'not_found' };
}

const ROLE_ORDER: Record<Role, number> = { admin: 0, instructor: 1, learner: 2 };

/** Everyone, admins first, then instructors, then learners; by email within a role. */
export async function listUsers(db: Db) {
  const users = await db.user.findMany({
    orderBy: { email: 'asc' },
    select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true },
  });
  return users.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}
