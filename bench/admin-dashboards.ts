// `npm run bench -- admin` (bench/admin-dashboards.ts): the admins' dashboards at scale. For
// SQLite and then PostgreSQL: starts the whole built platform on that database, seeds 10,000
// learners x 50 exercises (progress, attempts with check results, hints, check statistics,
// 20 groups), then requests the dashboard pages as a signed-in admin and reports p50/p95 per
// page and over all pages. Goal: p95 under 1 s on each. Reports; never passes or fails.
// BENCH_LEARNERS / BENCH_EXERCISES / BENCH_ROUNDS shrink it for a quick look.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../lib/db/client';
import { parseDatabaseUrl } from '../lib/db/database-url';
import { startThrowawayPostgres } from '../lib/db/throwaway-postgres';
import { hashPassword } from '../lib/password';
import { percentile, signIn, timePage } from './_page-timing';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 10_000);
const EXERCISES = Number(process.env.BENCH_EXERCISES ?? 50);
const LESSONS = 5;
const CHECKS = 3;
const GROUPS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CONCURRENCY = 4;
const BATCH = 2000;

/** A deterministic pseudo-random sequence, so both databases get the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(8, '0')}`;

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

interface Seeded {
  adminEmail: string;
  adminPassword: string;
  cohortId: string;
  learnerId: string;
  rows: Record<string, number>;
}

/** Seeds the bench course and its learners straight into the database (after the platform synced its content). */
async function seed(db: Db): Promise<Seeded> {
  const rnd = random(42);
  const started = performance.now();
  const adminPassword = randomBytes(12).toString('hex');
  const adminEmail = `bench-admin-${Date.now()}@bench.kubelab.test`;
  await db.user.create({ data: { email: adminEmail, name: 'Bench Admin', role: 'admin', passwordHash: await hashPassword(adminPassword) } });

  const course = await db.course.create({ data: { slug: 'bench-course', title: { en: 'Bench course', 'zh-CN': '基准课程' }, summary: { en: '' }, position: 99 } });
  const exercises: { id: string; versionId: string }[] = [];
  for (let l = 0; l < LESSONS; l += 1) {
    const lesson = await db.lesson.create({ data: { courseId: course.id, slug: `lesson-${l}`, title: { en: `Lesson ${l}` }, body: { en: '' }, position: l } });
    for (let e = 0; e < EXERCISES / LESSONS; e += 1) {
      const n = l * (EXERCISES / LESSONS) + e;
      const checks = Array.from({ length: CHECKS }, (_, c) => ({ id: `check-${c}`, points: 1 }));
      const exercise = await db.exercise.create({ data: { ref: `bench-course/lesson-${l}/ex-${n}`, lessonId: lesson.id, slug: `ex-${n}`, title: { en: `Exercise ${n}` }, position: e } });
      const version = await db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 1, contentHash: `bench-${n}`, spec: { id: `ex-${n}`, checks } } });
      await db.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
      exercises.push({ id: exercise.id, versionId: version.id });
    }
  }

  const users = Array.from({ length: LEARNERS }, (_, i) => ({ id: id('bu', i), email: `learner-${i}@bench.kubelab.test`, name: `Learner ${String(i).padStart(5, '0')}`, passwordHash: 'bench' }));
  await inBatches(users, (batch) => db.user.createMany({ data: batch }));
  const cohorts = Array.from({ length: GROUPS }, (_, g) => ({ id: id('bc', g), name: `Bench group ${g}` }));
  await db.cohort.createMany({ data: cohorts });
  await inBatches(
    users.map((u, i) => ({ cohortId: cohorts[i % GROUPS]!.id, userId: u.id })),
    (batch) => db.cohortMember.createMany({ data: batch }),
  );

  // Each learner got to exercise `reach` in course order: those before it passed, it in progress.
  const base = Date.parse('2026-11-01T00:00:00Z');
  const progress: object[] = [];
  const attempts: { id: string; userId: string; exerciseVersionId: string; passed: boolean; points: number; createdAt: Date }[] = [];
  const results: object[] = [];
  const reveals: object[] = [];
  let attemptNo = 0;
  for (const u of users) {
    const reach = Math.floor(rnd() * (EXERCISES + 1));
    for (let e = 0; e < Math.min(reach + 1, EXERCISES); e += 1) {
      const ex = exercises[e]!;
      const passed = e < reach;
      const startedAt = new Date(base + Math.floor(rnd() * 30 * 86_400_000));
      const secondsToPass = passed ? Math.floor(60 + rnd() * rnd() * 3600) : null;
      const tries = passed ? 1 + Math.floor(rnd() * 3) : 1;
      progress.push({ userId: u.id, exerciseId: ex.id, status: passed ? 'passed' : 'in_progress', points: passed ? CHECKS : 1, attempts: tries, startedAt, passedAt: secondsToPass === null ? null : new Date(startedAt.getTime() + secondsToPass * 1000), secondsToPass });
      for (let t = 0; t < tries; t += 1) {
        const ok = passed && t === tries - 1;
        const attempt = { id: id('ba', attemptNo++), userId: u.id, exerciseVersionId: ex.versionId, passed: ok, points: ok ? CHECKS : 1, createdAt: new Date(startedAt.getTime() + t * 60_000) };
        attempts.push(attempt);
        for (let c = 0; c < CHECKS; c += 1) {
          const checkPassed = ok || c === 0;
          results.push({ attemptId: attempt.id, checkId: `check-${c}`, passed: checkPassed, points: checkPassed ? 1 : 0, message: checkPassed ? 'ok' : 'not yet', observed: checkPassed ? undefined : `observed ${c}` });
        }
      }
      if (rnd() < 0.2) reveals.push({ userId: u.id, exerciseId: ex.id, kind: 'hint', index: 0 });
      if (rnd() < 0.05) reveals.push({ userId: u.id, exerciseId: ex.id, kind: 'solution', index: 0 });
    }
  }
  await inBatches(progress, (batch) => db.progress.createMany({ data: batch as never }));
  await inBatches(attempts, (batch) => db.attempt.createMany({ data: batch }));
  await inBatches(results, (batch) => db.checkResult.createMany({ data: batch as never }));
  await inBatches(reveals, (batch) => db.reveal.createMany({ data: batch as never }));
  await db.checkStat.createMany({
    data: exercises.flatMap((ex, e) =>
      Array.from({ length: CHECKS }, (_, c) => ({
        exerciseId: ex.id,
        checkId: `check-${c}`,
        runs: 1000 + e,
        failures: c === 0 ? 0 : 300 + e * c,
        samples: c === 0 ? [] : [{ at: new Date(base).toISOString(), userId: users[e]!.id, message: 'not yet', observed: `observed ${c}` }],
      })),
    ),
  });
  const rows = { learners: users.length, exercises: exercises.length, progress: progress.length, attempts: attempts.length, checkResults: results.length, reveals: reveals.length };
  process.stdout.write(`  seeded ${Object.entries(rows).map(([k, v]) => `${v} ${k}`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return { adminEmail, adminPassword, cohortId: cohorts[3]!.id, learnerId: users[1234 % users.length]!.id, rows };
}

async function measure(baseUrl: string, cookie: string, seeded: Seeded): Promise<string[]> {
  const pages = [
    { name: 'progress, all learners', path: '/admin/progress?course=bench-course' },
    { name: 'progress, one group', path: `/admin/progress?course=bench-course&group=${seeded.cohortId}` },
    { name: 'progress, page 150', path: '/admin/progress?course=bench-course&page=150' },
    { name: 'learner history', path: `/admin/learners/${seeded.learnerId}` },
    { name: 'groups', path: '/admin/groups' },
    { name: 'audit log', path: '/admin/audit' },
  ];
  const lines: string[] = [];
  const all: number[] = [];
  for (const page of pages) {
    const url = `${baseUrl}${page.path}`;
    const warm = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    await warm.text();
    if (warm.status !== 200) throw new Error(`${page.path} answered ${warm.status}`);
    const { times, non200 } = await timePage(url, Array.from({ length: CONCURRENCY }, () => cookie), ROUNDS);
    if (non200.length) throw new Error(`${page.path} answered ${non200[0]} (${non200.length} of ${times.length} requests not 200)`);
    all.push(...times);
    lines.push(`    ${page.name.padEnd(24)} p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms (${times.length} requests, ${CONCURRENCY} at a time)`);
  }
  all.sort((a, b) => a - b);
  lines.push(`    ${'all dashboard pages'.padEnd(24)} p50 ${percentile(all, 50).toFixed(0)} ms, p95 ${percentile(all, 95).toFixed(0)} ms`);
  return lines;
}

async function benchOn(kind: 'sqlite' | 'postgresql'): Promise<void> {
  const { platformEnv, preparePlatform, startPlatform } = await import('../scripts/lib/platform.js');
  const { removeSandboxContainers } = await import('../scripts/lib/engine-cleanup.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `kubelab-bench-admin-${kind}-`));
  const pg = kind === 'postgresql' ? startThrowawayPostgres() : undefined;
  const prefix = `bchadm${randomBytes(2).toString('hex')}-`;
  try {
    const platform = platformEnv({
      ...process.env,
      KUBELAB_DATA_DIR: dataDir,
      PORT: process.env.BENCH_PORT ?? '3170',
      RUNNER_PORT: process.env.BENCH_RUNNER_PORT ?? '4170',
      DATABASE_URL: pg ? pg.url : `file:${path.join(dataDir, 'kubelab.db')}`,
      RUNNER_SANDBOX_PREFIX: prefix,
      RUNNER_WARM_POOL_SIZE: '0',
    });
    await preparePlatform(platform);
    const running = await startPlatform(platform);
    try {
      const db = createDb(parseDatabaseUrl(platform.env.DATABASE_URL!, process.cwd()));
      process.stdout.write(`admin dashboards on ${kind}:\n`);
      const seeded = await seed(db);
      await db.$disconnect();
      const cookie = await signIn(platform.webUrl, seeded.adminEmail, seeded.adminPassword);
      for (const line of await measure(platform.webUrl, cookie, seeded)) process.stdout.write(`${line}\n`);
    } finally {
      await running.stop();
    }
  } finally {
    await removeSandboxContainers(prefix).catch(() => undefined);
    pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const kind of ['sqlite', 'postgresql'] as const) await benchOn(kind);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
