// The admin page's list of accounts at any size: every staff account (admins and instructors,
// a handful) and one page of learners by email, read along the (role, email) index, instead of
// every account in memory and in the page.
import { z } from 'zod';
import type { Db } from '../db';

export const LEARNERS_PAGE_SIZE = 100;

const ROLE_ORDER = { admin: 0, instructor: 1, learner: 2 } as const;
const select = { id: true, email: true, name: true, role: true, disabled: true, createdAt: true } as const;

/** The learners' page number from the URL (hostile input): a bad or missing value is the first page. */
export function parseAccountsPage(value: unknown): number {
  return z.coerce.number().int().min(0).max(100_000).catch(0).parse(Array.isArray(value) ? value[0] : (value ?? 0));
}

/** Admins, then instructors (by email), then page `page` of the learners by email. */
export async function accountsPage(db: Db, page: number) {
  const [staff, learners, learnerCount] = await Promise.all([
    db.user.findMany({ where: { role: { not: 'learner' } }, orderBy: { email: 'asc' }, select }),
    db.user.findMany({ where: { role: 'learner' }, orderBy: { email: 'asc' }, skip: page * LEARNERS_PAGE_SIZE, take: LEARNERS_PAGE_SIZE, select }),
    db.user.count({ where: { role: 'learner' } }),
  ]);
  staff.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  return { users: [...staff, ...learners], total: staff.length + learnerCount, pages: Math.max(1, Math.ceil(learnerCount / LEARNERS_PAGE_SIZE)) };
}
