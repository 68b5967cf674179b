// Groups of learners (cohorts): an admin creates one, adds people by email or hands out its
// enrol link (/enrol/<token>: whoever opens it signed in joins). The token is 32 random bytes,
// compared only by the database's unique index lookup; rotating it kills the old link.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db';

export const cohortNameSchema = z.string().trim().min(1).max(80);
export const enrolTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export function newEnrolToken(): string {
  return randomBytes(32).toString('base64url');
}

export type CohortResult<T = object> = ({ ok: true } & T) | { ok: false; reason: 'exists' | 'not_found' | 'no_user' };

export async function createCohort(db: Db, name: string): Promise<CohortResult<{ id: string }>> {
  const existing = await db.cohort.findUnique({ where: { name }, select: { id: true } });
  if (existing) return { ok: false, reason: 'exists' };
  const cohort = await db.cohort.create({ data: { name, enrolToken: newEnrolToken() } });
  return { ok: true, id: cohort.id };
}

export async function deleteCohort(db: Db, id: string): Promise<CohortResult> {
  const { count } = await db.cohort.deleteMany({ where: { id } });
  return count ? { ok: true } : { ok: false, reason: 'not_found' };
}

/** Adds the account with this email; adding someone twice is fine. */
export async function addMemberByEmail(db: Db, cohortId: string, email: string): Promise<CohortResult<{ userId: string }>> {
  const [cohort, user] = await Promise.all([
    db.cohort.findUnique({ where: { id: cohortId }, select: { id: true } }),
    db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } }),
  ]);
  if (!cohort) return { ok: false, reason: 'not_found' };
  if (!user) return { ok: false, reason: 'no_user' };
  await addMember(db, cohortId, user.id);
  return { ok: true, userId: user.id };
}

async function addMember(db: Db, cohortId: string, userId: string): Promise<void> {
  await db.cohortMember.upsert({ where: { cohortId_userId: { cohortId, userId } }, create: { cohortId, userId }, update: {} });
}

export async function removeMember(db: Db, cohortId: string, userId: string): Promise<CohortResult> {
  const { count } = await db.cohortMember.deleteMany({ where: { cohortId, userId } });
  return count ? { ok: true } : { ok: false, reason: 'not_found' };
}

/** A new enrol link (the old one stops working), or none at all. */
export async function setEnrolLink(db: Db, cohortId: string, enabled: boolean): Promise<CohortResult> {
  const { count } = await db.cohort.updateMany({ where: { id: cohortId }, data: { enrolToken: enabled ? newEnrolToken() : null } });
  return count ? { ok: true } : { ok: false, reason: 'not_found' };
}

/** The cohort an enrol link belongs to (null for an unknown or switched-off link). */
export async function cohortByToken(db: Db, token: string) {
  if (!enrolTokenSchema.safeParse(token).success) return null;
  return db.cohort.findUnique({ where: { enrolToken: token }, select: { id: true, name: true } });
}

/** Joins the signed-in user to the cohort of a valid enrol link. */
export async function enrolWithToken(db: Db, token: string, userId: string): Promise<{ id: string; name: string } | null> {
  const cohort = await cohortByToken(db, token);
  if (!cohort) return null;
  await addMember(db, cohort.id, userId);
  return cohort;
}

/** Every cohort with its member count (admins have a handful, not thousands). */
export async function listCohorts(db: Db) {
  const cohorts = await db.cohort.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { members: true } } } });
  return cohorts.map((c) => ({ id: c.id, name: c.name, enrolToken: c.enrolToken, createdAt: c.createdAt, members: c._count.members }));
}

export const MEMBERS_PAGE_SIZE = 100;

export function cohortMembers(db: Db, cohortId: string, page = 0) {
  return db.cohortMember.findMany({
    where: { cohortId },
    orderBy: { addedAt: 'asc' },
    skip: page * MEMBERS_PAGE_SIZE,
    take: MEMBERS_PAGE_SIZE,
    include: { user: { select: { id: true, name: true, email: true, role: true } } },
  });
}
