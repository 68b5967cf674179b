// Seeds the admin dashboards' bench data (bench/admin-dashboards.ts) straight into a database:
// a bench course of EXERCISES exercises in 5 lessons, LEARNERS learners in 20 groups, with
// progress, attempts and their check results, hints and solutions, and check statistics.
// The course skeleton goes through Prisma; the millions of learner rows through the database's
// own bulk path (one better-sqlite3 transaction of prepared inserts; PostgreSQL INSERT ... SELECT
// FROM unnest(arrays) in large batches inside one transaction).
//
// It runs as its own process (`tsx bench/_admin-seed.ts`, the result as the last stdout line),
// because seeding blocks the event loop for seconds at a time: in the bench's own process the
// HTTP keep-alive socket left from waiting for the web app went stale unnoticed and the first
// request after the seed failed with "fetch failed" (SocketError: other side closed).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createDb, type Db } from '../lib/db/client';
import { parseDatabaseUrl, type DatabaseTarget } from '../lib/db/database-url';
import { hashPassword } from '../lib/password';

export interface SeedOptions {
  learners: number;
  exercises: number;
}

export interface Seeded {
  adminEmail: string;
  adminPassword: string;
  cohortId: string;
  learnerId: string;
  rows: Record<string, number>;
  seconds: number;
}

const LESSONS = 5;
const CHECKS = 3;
const GROUPS = 20;

/** A deterministic pseudo-random sequence, so both databases get the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(8, '0')}`;

type Cell = string | number | boolean | Date | null | object;

/** A table as the bulk writers insert it: its columns and, for PostgreSQL, each column's type. */
interface BulkTable {
  name: string;
  columns: Record<string, string>;
}

const TABLES = {
  user: { name: 'User', columns: { id: 'text', email: 'text', name: 'text', passwordHash: 'text', role: '"Role"', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)' } },
  member: { name: 'CohortMember', columns: { cohortId: 'text', userId: 'text', addedAt: 'timestamp(3)' } },
  progress: {
    name: 'Progress',
    columns: { id: 'text', userId: 'text', exerciseId: 'text', status: '"ProgressStatus"', points: 'int', attempts: 'int', startedAt: 'timestamp(3)', passedAt: 'timestamp(3)', secondsToPass: 'int', updatedAt: 'timestamp(3)' },
  },
  attempt: { name: 'Attempt', columns: { id: 'text', userId: 'text', exerciseVersionId: 'text', passed: 'bool', points: 'int', createdAt: 'timestamp(3)' } },
  result: { name: 'CheckResult', columns: { id: 'text', attemptId: 'text', checkId: 'text', passed: 'bool', points: 'int', message: 'text', observed: 'jsonb' } },
  audit: { name: 'AuditEvent', columns: { id: 'text', actorId: 'text', actorEmail: 'text', actorRole: 'text', action: 'text', target: 'text', detail: 'jsonb', ip: 'text', createdAt: 'timestamp(3)' } },
  reveal: { name: 'Reveal', columns: { id: 'text', userId: 'text', exerciseId: 'text', kind: '"RevealKind"', index: 'int', createdAt: 'timestamp(3)' } },
} satisfies Record<string, BulkTable>;

interface BulkWriter {
  add(table: BulkTable, row: Cell[]): Promise<void>;
  /** Writes what is buffered and commits. */
  finish(): Promise<void>;
}

interface SqliteDatabase {
  prepare(sql: string): { run(...args: unknown[]): unknown };
  exec(sql: string): void;
  close(): void;
}

/** SQLite: prepared inserts in one transaction, values stored as Prisma's adapter stores them. */
function sqliteWriter(file: string): BulkWriter {
  const Database = createRequire(__filename)('better-sqlite3') as new (file: string) => SqliteDatabase;
  const sqlite = new Database(file);
  sqlite.exec('PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE');
  const statements = new Map<BulkTable, { run(...args: unknown[]): unknown }>();
  const value = (cell: Cell, type: string) =>
    cell === null ? null : type === 'jsonb' ? JSON.stringify(cell) : cell instanceof Date ? cell.toISOString().replace('Z', '+00:00') : typeof cell === 'boolean' ? Number(cell) : cell;
  return {
    async add(table, row) {
      let statement = statements.get(table);
      if (!statement) {
        const names = Object.keys(table.columns);
        statement = sqlite.prepare(`INSERT INTO "${table.name}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
        statements.set(table, statement);
      }
      const types = Object.values(table.columns);
      statement.run(...row.map((cell, c) => value(cell, types[c]!)));
    },
    async finish() {
      sqlite.exec('COMMIT');
      sqlite.close();
    },
  };
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

const PG_BATCH = 20_000;

/** PostgreSQL: rows buffered per table, each batch one INSERT ... SELECT FROM unnest(one array per column). */
async function postgresWriter(url: string): Promise<BulkWriter> {
  const { Client } = createRequire(__filename)('pg') as { Client: new (options: { connectionString: string }) => PgClient };
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  const buffers = new Map<BulkTable, Cell[][]>();
  const value = (cell: Cell, type: string) => (cell === null ? null : type === 'jsonb' ? JSON.stringify(cell) : cell instanceof Date ? cell.toISOString() : cell);
  const flush = async (table: BulkTable) => {
    const rows = buffers.get(table);
    if (!rows?.length) return;
    buffers.set(table, []);
    const entries = Object.entries(table.columns);
    const columns = entries.map(([, type], c) => rows.map((row) => value(row[c] ?? null, type)));
    await client.query(
      `INSERT INTO "${table.name}" (${entries.map(([n]) => `"${n}"`).join(', ')}) SELECT * FROM unnest(${entries.map(([, type], c) => `$${c + 1}::${type}[]`).join(', ')})`,
      columns,
    );
  };
  return {
    async add(table, row) {
      const rows = buffers.get(table) ?? [];
      buffers.set(table, rows);
      rows.push(row);
      // All tables at once, parents first (TABLES' order), so no foreign key points at a row still buffered.
      if (rows.length >= PG_BATCH) for (const t of Object.values(TABLES)) await flush(t);
    },
    async finish() {
      for (const table of Object.values(TABLES)) await flush(table);
      await client.query('COMMIT');
      // What autovacuum would do minutes after a bulk load: statistics for the planner and the
      // visibility map that lets index-only scans skip the table.
      await client.query('VACUUM ANALYZE');
      await client.end();
    },
  };
}

async function bulkWriter(target: DatabaseTarget): Promise<BulkWriter> {
  return target.kind === 'sqlite' ? sqliteWriter(target.file) : postgresWriter(target.url);
}

/** The bench course: lessons, exercises and their versions (a few hundred rows, through Prisma). */
async function seedCourse(db: Db, exerciseCount: number) {
  const course = await db.course.create({ data: { slug: 'bench-course', title: { en: 'Bench course', 'zh-CN': '基准课程' }, summary: { en: '' }, position: 99 } });
  const exercises: { id: string; versionId: string }[] = [];
  for (let l = 0; l < LESSONS; l += 1) {
    const lesson = await db.lesson.create({ data: { courseId: course.id, slug: `lesson-${l}`, title: { en: `Lesson ${l}` }, body: { en: '' }, position: l } });
    for (let e = 0; e < exerciseCount / LESSONS; e += 1) {
      const n = l * (exerciseCount / LESSONS) + e;
      const checks = Array.from({ length: CHECKS }, (_, c) => ({ id: `check-${c}`, points: 1 }));
      const exercise = await db.exercise.create({ data: { ref: `bench-course/lesson-${l}/ex-${n}`, lessonId: lesson.id, slug: `ex-${n}`, title: { en: `Exercise ${n}` }, position: e } });
      const version = await db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 1, contentHash: `bench-${n}`, spec: { id: `ex-${n}`, checks } } });
      await db.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
      exercises.push({ id: exercise.id, versionId: version.id });
    }
  }
  return exercises;
}

/** Seeds everything (after the platform synced its content, which would archive an unknown course seeded before it). */
export async function seedAdminBench(databaseUrl: string, options: SeedOptions): Promise<Seeded> {
  const started = performance.now();
  const target = parseDatabaseUrl(databaseUrl, process.cwd());
  const db = createDb(target);
  const rnd = random(42);
  const adminPassword = randomBytes(12).toString('hex');
  const adminEmail = `bench-admin-${Date.now()}@bench.kubelab.test`;
  const base = Date.parse('2026-11-01T00:00:00Z');
  let exercises: { id: string; versionId: string }[];
  const cohorts = Array.from({ length: GROUPS }, (_, g) => ({ id: id('bc', g), name: `Bench group ${g}` }));
  let adminId: string;
  try {
    ({ id: adminId } = await db.user.create({ data: { email: adminEmail, name: 'Bench Admin', role: 'admin', passwordHash: await hashPassword(adminPassword) } }));
    exercises = await seedCourse(db, options.exercises);
    await db.cohort.createMany({ data: cohorts });
  } finally {
    await db.$disconnect();
  }

  const rows = { auditEvents: 0, learners: 0, exercises: exercises.length, progress: 0, attempts: 0, checkResults: 0, reveals: 0 };
  const writer = await bulkWriter(target);
  const joined = new Date(base - 86_400_000);
  let attemptNo = 0;
  let resultNo = 0;
  let revealNo = 0;
  let progressNo = 0;
  for (let i = 0; i < options.learners; i += 1) {
    const userId = id('bu', i);
    await writer.add(TABLES.user, [userId, `learner-${i}@bench.kubelab.test`, `Learner ${String(i).padStart(5, '0')}`, 'bench', 'learner', joined, joined]);
    await writer.add(TABLES.member, [cohorts[i % GROUPS]!.id, userId, joined]);
    rows.learners += 1;
    // Each learner got to exercise `reach` in course order: those before it passed, it in progress.
    const reach = Math.floor(rnd() * (exercises.length + 1));
    for (let e = 0; e < Math.min(reach + 1, exercises.length); e += 1) {
      const ex = exercises[e]!;
      const passed = e < reach;
      const startedAt = new Date(base + Math.floor(rnd() * 30 * 86_400_000));
      const secondsToPass = passed ? Math.floor(60 + rnd() * rnd() * 3600) : null;
      const tries = passed ? 1 + Math.floor(rnd() * 3) : 1;
      const passedAt = secondsToPass === null ? null : new Date(startedAt.getTime() + secondsToPass * 1000);
      const lastTry = new Date(startedAt.getTime() + (tries - 1) * 60_000);
      await writer.add(TABLES.progress, [id('bp', progressNo++), userId, ex.id, passed ? 'passed' : 'in_progress', passed ? CHECKS : 1, tries, startedAt, passedAt, secondsToPass, passedAt ?? lastTry]);
      rows.progress += 1;
      for (let t = 0; t < tries; t += 1) {
        const ok = passed && t === tries - 1;
        const attemptId = id('ba', attemptNo++);
        await writer.add(TABLES.attempt, [attemptId, userId, ex.versionId, ok, ok ? CHECKS : 1, new Date(startedAt.getTime() + t * 60_000)]);
        rows.attempts += 1;
        for (let c = 0; c < CHECKS; c += 1) {
          const checkPassed = ok || c === 0;
          await writer.add(TABLES.result, [id('br', resultNo++), attemptId, `check-${c}`, checkPassed, checkPassed ? 1 : 0, checkPassed ? 'ok' : 'not yet', checkPassed ? null : `observed ${c}`]);
          rows.checkResults += 1;
        }
      }
      if (rnd() < 0.2) await writer.add(TABLES.reveal, [id('bh', revealNo++), userId, ex.id, 'hint', 0, startedAt]);
      if (rnd() < 0.05) await writer.add(TABLES.reveal, [id('bh', revealNo++), userId, ex.id, 'solution', 0, startedAt]);
    }
  }
  rows.reveals = revealNo;
  // Two actions a learner a month of admin work: what the audit page and its export page through.
  for (let a = 0; a < options.learners * 2; a += 1) {
    await writer.add(TABLES.audit, [id('be', a), adminId, adminEmail, 'admin', 'cohort.member.add', id('bu', a % options.learners), { cohort: cohorts[a % GROUPS]!.id }, '127.0.0.1', new Date(base + a * 60_000)]);
  }
  rows.auditEvents = options.learners * 2;
  await writer.finish();

  const stats = createDb(target);
  try {
    await stats.checkStat.createMany({
      data: exercises.flatMap((ex, e) =>
        Array.from({ length: CHECKS }, (_, c) => ({
          exerciseId: ex.id,
          checkId: `check-${c}`,
          runs: 1000 + e,
          failures: c === 0 ? 0 : 300 + e * c,
          samples: c === 0 ? [] : [{ at: new Date(base).toISOString(), userId: id('bu', e % options.learners), message: 'not yet', observed: `observed ${c}` }],
        })),
      ),
    });
  } finally {
    await stats.$disconnect();
  }
  return { adminEmail, adminPassword, cohortId: cohorts[3]!.id, learnerId: id('bu', 1234 % options.learners), rows, seconds: (performance.now() - started) / 1000 };
}

/** The line the seeding process ends its output with: the Seeded record as JSON after this mark. */
export const SEEDED_MARK = 'seeded-json ';

if (require.main === module) {
  const [url, learners, exercises] = [process.env.DATABASE_URL, Number(process.argv[2]), Number(process.argv[3])];
  if (!url || !(learners > 0) || !(exercises > 0) || exercises % LESSONS !== 0) {
    process.stderr.write(`usage: DATABASE_URL=... tsx bench/_admin-seed.ts <learners> <exercises, a multiple of ${LESSONS}>\n`);
    process.exit(2);
  }
  seedAdminBench(url, { learners, exercises }).then(
    (seeded) => process.stdout.write(`${SEEDED_MARK}${JSON.stringify(seeded)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
