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

/**
 * The FROM clause and the condition that narrow Progress or Reveal rows (aliased `alias`) to the
 * audience. A cohort's members come first (CROSS JOIN fixes that order on SQLite, whose planner
 * has no statistics): a few hundred members, each with an index lookup of their rows. Every
 * learner: the table alone, minus the few staff accounts (a small set the database builds
 * once, where a join would look up the User row of every Progress row).
 */
function audienceFrom(db: Db, table: 'Progress' | 'Reveal', alias: 'p' | 'r', audience: Audience): { from: Prisma.Sql; where: Prisma.Sql } {
  const { sql, raw } = sqlOf(db);
  const rows = raw(`"${table}" ${alias}`);
  const column = raw(`${alias}."userId"`);
  return audience.cohortId
    ? { from: sql`"CohortMember" m CROSS JOIN ${rows}`, where: sql`AND m."cohortId" = ${audience.cohortId} AND ${column} = m."userId"` }
    : { from: rows, where: sql`AND ${column} NOT IN (SELECT s."id" FROM "User" s WHERE s."role" <> 'learner')` };
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

// 25 learners by every exercise of a course (50 in the bench): 1,250 cells a page.
export const MATRIX_PAGE_SIZE = 25;

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

export interface FunnelLesson {
  id: string;
  exerciseIds: readonly string[];
}

/**
 * The completion funnel of each lesson: the audience, who started any of its exercises, who
 * passed each, who passed all. Three queries for the whole course: the audience's size, passes
 * per exercise (on the exerciseId/status index) and one pass over the lessons' Progress rows
 * grouped per learner and lesson.
 */
export async function lessonFunnels(db: Db, lessons: readonly FunnelLesson[], audience: Audience): Promise<Map<string, FunnelStep[]>> {
  const { sql, join, raw } = sqlOf(db);
  const exerciseIds = lessons.flatMap((l) => l.exerciseIds);
  const scope = audienceFrom(db, 'Progress', 'p', audience);
  const withExercises = lessons.filter((l) => l.exerciseIds.length > 0);
  // Lessons are numbered by their place in `lessons`; the exercise -> lesson map and each
  // lesson's size travel as CASE expressions (integers, typed alike on both databases).
  const lessonOf = sql`CASE p."exerciseId" ${join(lessons.flatMap((l, i) => l.exerciseIds.map((id) => sql`WHEN ${id} THEN ${raw(String(i))}`)), ' ')} END`;
  const sizeOf = sql`CASE t.lesson ${join(withExercises.map((l) => sql`WHEN ${raw(String(lessons.indexOf(l)))} THEN ${raw(String(l.exerciseIds.length))}`), ' ')} END`;
  const [audienceSize, passedBy, perLesson] = await Promise.all([
    db.user.count({ where: audienceUsers(audience) }),
    exerciseIds.length
      ? db.$queryRaw<{ exerciseId: string; n: unknown }[]>`
          SELECT p."exerciseId" AS "exerciseId", COUNT(*) AS n FROM ${scope.from}
          WHERE p."exerciseId" IN (${join(exerciseIds)}) AND p."status" = 'passed' ${scope.where}
          GROUP BY p."exerciseId"`
      : [],
    withExercises.length
      ? db.$queryRaw<{ lesson: unknown; started: unknown; completed: unknown }[]>`
          SELECT t.lesson AS lesson, COUNT(*) AS started, SUM(CASE WHEN t.passed = ${sizeOf} THEN 1 ELSE 0 END) AS completed
          FROM (
            SELECT p."userId", ${lessonOf} AS lesson, SUM(CASE WHEN p."status" = 'passed' THEN 1 ELSE 0 END) AS passed
            FROM ${scope.from}
            WHERE p."exerciseId" IN (${join(exerciseIds)}) AND p."status" <> 'not_started' ${scope.where}
            GROUP BY p."userId", lesson
          ) t
          GROUP BY t.lesson`
      : [],
  ]);
  const passed = new Map(passedBy.map((r) => [r.exerciseId, count(r.n)]));
  const lessonRows = new Map(perLesson.map((r) => [count(r.lesson), r]));
  return new Map(
    lessons.map((l, i) => [
      l.id,
      l.exerciseIds.length === 0
        ? [{ key: 'audience', learners: audienceSize }]
        : [
            { key: 'audience', learners: audienceSize },
            { key: 'started', learners: count(lessonRows.get(i)?.started) },
            ...l.exerciseIds.map((id) => ({ key: `passed:${id}`, learners: passed.get(id) ?? 0 })),
            { key: 'completed', learners: count(lessonRows.get(i)?.completed) },
          ],
    ]),
  );
}

export interface TimeToComplete {
  exerciseId: string;
  /** Learners who passed it (with a known start). */
  passed: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** The 1-based nearest ranks of the median and the 90th percentile among n sorted values: ceil(p * n). */
export function percentileRanks(n: number): { median: number; p90: number } {
  return { median: Math.ceil(0.5 * n), p90: Math.ceil(0.9 * n) };
}

/**
 * Median and 90th percentile of the seconds from start to first pass, per exercise, in two
 * queries on the covering (exerciseId, secondsToPass, userId) index: the passes per exercise,
 * then the value at each percentile's rank, read at an OFFSET along the index (no sort).
 */
export async function timeToComplete(db: Db, exerciseIds: readonly string[], audience: Audience): Promise<TimeToComplete[]> {
  if (exerciseIds.length === 0) return [];
  const { sql, join, raw } = sqlOf(db);
  const scope = audienceFrom(db, 'Progress', 'p', audience);
  const counts = await db.$queryRaw<{ exerciseId: string; n: unknown }[]>`
    SELECT p."exerciseId" AS "exerciseId", COUNT(*) AS n FROM ${scope.from}
    WHERE p."exerciseId" IN (${join([...exerciseIds])}) AND p."secondsToPass" IS NOT NULL ${scope.where}
    GROUP BY p."exerciseId"`;
  const passes = new Map(counts.map((c) => [c.exerciseId, count(c.n)]));
  const wanted = [...passes].flatMap(([exerciseId, n]) => [...new Set(Object.values(percentileRanks(n)))].map((rank) => ({ exerciseId, rank })));
  const picked = wanted.length
    ? await db.$queryRaw<{ exerciseId: string; rank: unknown; seconds: unknown }[]>`${join(
        wanted.map(
          ({ exerciseId, rank }, i) => sql`SELECT * FROM (
            SELECT p."exerciseId" AS "exerciseId", ${raw(String(rank))} AS rank, p."secondsToPass" AS seconds FROM ${scope.from}
            WHERE p."exerciseId" = ${exerciseId} AND p."secondsToPass" IS NOT NULL ${scope.where}
            ORDER BY p."secondsToPass" LIMIT 1 OFFSET ${raw(String(rank - 1))}) AS ${raw(`r${i}`)}`,
        ),
        ' UNION ALL ',
      )}`
    : [];
  const value = (exerciseId: string, rank: number) => {
    const row = picked.find((r) => r.exerciseId === exerciseId && count(r.rank) === rank);
    return row ? count(row.seconds) : null;
  };
  return exerciseIds.map((exerciseId) => {
    const n = passes.get(exerciseId) ?? 0;
    const ranks = percentileRanks(n);
    return { exerciseId, passed: n, medianSeconds: n ? value(exerciseId, ranks.median) : null, p90Seconds: n ? value(exerciseId, ranks.p90) : null };
  });
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
  const scope = audienceFrom(db, 'Reveal', 'r', audience);
  const rows = await db.$queryRaw<{ exerciseId: string; kind: string; learners: unknown; reveals: unknown }[]>`
    SELECT r."exerciseId" AS "exerciseId", r."kind" AS "kind", COUNT(DISTINCT r."userId") AS learners, COUNT(*) AS reveals
    FROM ${scope.from}
    WHERE r."exerciseId" IN (${sqlOf(db).join([...exerciseIds])}) ${scope.where}
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
