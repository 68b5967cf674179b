// What the admins' progress dashboards read, computed by the database: every figure is an
// indexed lookup or an SQL aggregation over the exercises shown, never a whole table read into
// memory. Progress carries the per-learner counters (attempts, startedAt, passedAt,
// secondsToPass) and CheckStat the per-check ones, both kept by lib/progress/record.ts.
import type { Prisma } from '@prisma/client';
import { sqlOf, type Db } from '../db/client';

/** Who a dashboard is about: one cohort's members, or every learner. */
export interface Audience {
  cohortId?: string | null;
}

function audienceUsers(audience: Audience): Prisma.UserWhereInput {
  return audience.cohortId ? { cohorts: { some: { cohortId: audience.cohortId } } } : { role: 'learner' };
}

/** The SQL join that narrows Progress/Reveal rows (aliased `alias`) to the audience's users. */
function audienceJoin(db: Db, alias: 'p' | 'r', audience: Audience): Prisma.Sql {
  const { sql, raw } = sqlOf(db);
  const column = raw(`${alias}."userId"`);
  return audience.cohortId
    ? sql`JOIN "CohortMember" m ON m."userId" = ${column} AND m."cohortId" = ${audience.cohortId}`
    : sql`JOIN "User" u ON u."id" = ${column} AND u."role" = 'learner'`;
}

const count = (value: unknown): number => Number(value ?? 0);

export interface MatrixCell {
  status: 'not_started' | 'in_progress' | 'passed';
  points: number;
  attempts: number;
  /** Start to first pass, or start to the latest activity while not passed; null if never started. */
  seconds: number | null;
}

export interface MatrixRow {
  id: string;
  name: string;
  email: string;
  cells: Record<string, MatrixCell>;
}

export const MATRIX_PAGE_SIZE = 50;

export function secondsSpent(p: { startedAt: Date | null; passedAt: Date | null; secondsToPass: number | null; updatedAt: Date }): number | null {
  if (p.secondsToPass !== null) return p.secondsToPass;
  if (!p.startedAt) return null;
  return Math.max(0, Math.round(((p.passedAt ?? p.updatedAt).getTime() - p.startedAt.getTime()) / 1000));
}

/** One page of learners (by name) with their progress on `exerciseIds`. */
export async function learnerMatrix(db: Db, exerciseIds: readonly string[], audience: Audience, page = 0, pageSize = MATRIX_PAGE_SIZE) {
  const where = audienceUsers(audience);
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({ where, orderBy: [{ name: 'asc' }, { id: 'asc' }], skip: page * pageSize, take: pageSize, select: { id: true, name: true, email: true } }),
  ]);
  const progress = users.length
    ? await db.progress.findMany({
        where: { userId: { in: users.map((u) => u.id) }, exerciseId: { in: [...exerciseIds] } },
        select: { userId: true, exerciseId: true, status: true, points: true, attempts: true, startedAt: true, passedAt: true, secondsToPass: true, updatedAt: true },
      })
    : [];
  const rows = new Map<string, MatrixRow>(users.map((u) => [u.id, { ...u, cells: {} }]));
  for (const p of progress) {
    rows.get(p.userId)!.cells[p.exerciseId] = { status: p.status, points: p.points, attempts: p.attempts, seconds: secondsSpent(p) };
  }
  return { total, page, pageSize, rows: [...rows.values()] };
}

export interface FunnelStep {
  /** 'audience' | 'started' | 'passed:<exerciseId>' | 'completed' */
  key: string;
  learners: number;
}

/** The completion funnel of one lesson: the audience, who started any exercise, who passed each, who passed all. */
export async function lessonFunnel(db: Db, exerciseIds: readonly string[], audience: Audience): Promise<FunnelStep[]> {
  const audienceSize = await db.user.count({ where: audienceUsers(audience) });
  if (exerciseIds.length === 0) return [{ key: 'audience', learners: audienceSize }];
  const ids = sqlOf(db).join([...exerciseIds]);
  const join = audienceJoin(db, 'p', audience);
  const [started, passedBy, completed] = await Promise.all([
    db.$queryRaw<{ n: unknown }[]>`SELECT COUNT(DISTINCT p."userId") AS n FROM "Progress" p ${join} WHERE p."exerciseId" IN (${ids}) AND p."status" <> 'not_started'`,
    db.$queryRaw<{ exerciseId: string; n: unknown }[]>`SELECT p."exerciseId" AS "exerciseId", COUNT(*) AS n FROM "Progress" p ${join} WHERE p."exerciseId" IN (${ids}) AND p."status" = 'passed' GROUP BY p."exerciseId"`,
    db.$queryRaw<{ n: unknown }[]>`SELECT COUNT(*) AS n FROM (SELECT p."userId" FROM "Progress" p ${join} WHERE p."exerciseId" IN (${ids}) AND p."status" = 'passed' GROUP BY p."userId" HAVING COUNT(*) = ${exerciseIds.length}) t`,
  ]);
  const passed = new Map(passedBy.map((r) => [r.exerciseId, count(r.n)]));
  return [
    { key: 'audience', learners: audienceSize },
    { key: 'started', learners: count(started[0]?.n) },
    ...exerciseIds.map((id) => ({ key: `passed:${id}`, learners: passed.get(id) ?? 0 })),
    { key: 'completed', learners: count(completed[0]?.n) },
  ];
}

/** The index of the p-th percentile (0 < p <= 1) in n sorted values, by the nearest-rank method. */
export function nearestRankIndex(n: number, p: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
}

export interface TimeToComplete {
  exerciseId: string;
  /** Learners who passed it (with a known start). */
  passed: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/**
 * Median and 90th percentile of the seconds from start to first pass, per exercise: a count and
 * two single-row reads at an OFFSET along the (exerciseId, secondsToPass) index.
 */
export async function timeToComplete(db: Db, exerciseIds: readonly string[], audience: Audience): Promise<TimeToComplete[]> {
  return Promise.all(
    exerciseIds.map(async (exerciseId) => {
      const where: Prisma.ProgressWhereInput = {
        exerciseId,
        secondsToPass: { not: null },
        ...(audience.cohortId ? { user: audienceUsers(audience) } : { user: { role: 'learner' } }),
      };
      const n = await db.progress.count({ where });
      if (n === 0) return { exerciseId, passed: 0, medianSeconds: null, p90Seconds: null };
      const at = async (p: number) =>
        (await db.progress.findFirst({ where, orderBy: { secondsToPass: 'asc' }, skip: nearestRankIndex(n, p), select: { secondsToPass: true } }))?.secondsToPass ?? null;
      const [medianSeconds, p90Seconds] = await Promise.all([at(0.5), at(0.9)]);
      return { exerciseId, passed: n, medianSeconds, p90Seconds };
    }),
  );
}

export interface RevealUse {
  exerciseId: string;
  /** Learners who opened at least one hint / the solution. */
  hintLearners: number;
  hints: number;
  solutionLearners: number;
}

export async function revealUse(db: Db, exerciseIds: readonly string[], audience: Audience): Promise<RevealUse[]> {
  if (exerciseIds.length === 0) return [];
  const rows = await db.$queryRaw<{ exerciseId: string; kind: string; learners: unknown; reveals: unknown }[]>`
    SELECT r."exerciseId" AS "exerciseId", r."kind" AS "kind", COUNT(DISTINCT r."userId") AS learners, COUNT(*) AS reveals
    FROM "Reveal" r ${audienceJoin(db, 'r', audience)}
    WHERE r."exerciseId" IN (${sqlOf(db).join([...exerciseIds])})
    GROUP BY r."exerciseId", r."kind"`;
  return exerciseIds.map((exerciseId) => {
    const hint = rows.find((r) => r.exerciseId === exerciseId && r.kind === 'hint');
    const solution = rows.find((r) => r.exerciseId === exerciseId && r.kind === 'solution');
    return { exerciseId, hintLearners: count(hint?.learners), hints: count(hint?.reveals), solutionLearners: count(solution?.learners) };
  });
}

export interface CheckSample {
  at: string;
  userId: string;
  message: string;
  observed: string | null;
}

export interface FailingCheck {
  exerciseId: string;
  checkId: string;
  runs: number;
  failures: number;
  samples: CheckSample[];
}

function parseSamples(value: unknown): CheckSample[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s: unknown) => {
    const o = s as Partial<CheckSample> | null;
    return o && typeof o.at === 'string' && typeof o.userId === 'string' && typeof o.message === 'string'
      ? [{ at: o.at, userId: o.userId, message: o.message, observed: typeof o.observed === 'string' ? o.observed : null }]
      : [];
  });
}

/** The checks of these exercises that failed most often on a Check press, with their latest failing observations. */
export async function failingChecks(db: Db, exerciseIds: readonly string[], take = 10): Promise<FailingCheck[]> {
  const stats = await db.checkStat.findMany({
    where: { exerciseId: { in: [...exerciseIds] }, failures: { gt: 0 } },
    orderBy: [{ failures: 'desc' }, { checkId: 'asc' }],
    take,
  });
  return stats.map((s) => ({ exerciseId: s.exerciseId, checkId: s.checkId, runs: s.runs, failures: s.failures, samples: parseSamples(s.samples) }));
}

/** One learner's whole record: account, groups, progress on every exercise, reveals, sandboxes. */
export async function learnerProfile(db: Db, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      disabled: true,
      createdAt: true,
      cohorts: { select: { cohort: { select: { id: true, name: true } } } },
    },
  });
  if (!user) return null;
  const [progress, reveals, sandboxes] = await Promise.all([
    db.progress.findMany({ where: { userId }, include: { exercise: { select: { ref: true, title: true } } }, orderBy: { updatedAt: 'desc' } }),
    db.reveal.findMany({ where: { userId }, include: { exercise: { select: { ref: true } } }, orderBy: { createdAt: 'asc' } }),
    db.sandbox.findMany({ where: { userId }, include: { exercise: { select: { ref: true } } }, orderBy: { createdAt: 'desc' }, take: 20 }),
  ]);
  return { user, progress, reveals, sandboxes };
}
