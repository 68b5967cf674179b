// `npm run bench -- admin` (bench/admin-dashboards.ts): the admins' dashboards at scale. For
// SQLite and then PostgreSQL: starts the whole built platform on that database, seeds 10,000
// learners x 50 exercises (progress, attempts with check results, hints, check statistics,
// 20 groups, 20,000 audit events; bench/_admin-seed.ts, in its own process), then requests
// every admin page as a signed-in admin, 4 at a time, and reports p50/p95 per page and over
// all pages, and the two CSV exports' time to first bytes and to their end. Goal: p95 under
// 1 s on each. Reports; never passes or fails.
// BENCH_LEARNERS / BENCH_EXERCISES / BENCH_ROUNDS shrink it for a quick look; BENCH_DATABASES
// (sqlite, postgresql or both, comma-separated) picks the databases.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startThrowawayPostgres } from '../lib/db/throwaway-postgres';
import { SEEDED_MARK, type Seeded } from './_admin-seed';
import { percentile, signIn, timePage } from './_page-timing';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 10_000);
const EXERCISES = Number(process.env.BENCH_EXERCISES ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CONCURRENCY = 4;

/** Seeds in a child process (bench/_admin-seed.ts says why), its progress lines passed through. */
async function seedInChild(databaseUrl: string): Promise<Seeded> {
  const child = spawn('tsx', [path.join(__dirname, '_admin-seed.ts'), String(LEARNERS), String(EXERCISES)], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let seeded: Seeded | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith(SEEDED_MARK)) seeded = JSON.parse(line.slice(SEEDED_MARK.length)) as Seeded;
    else process.stdout.write(`${line}\n`);
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  if (code !== 0 || !seeded) throw new Error(`seeding failed (exit ${code})`);
  process.stdout.write(`  seeded ${Object.entries(seeded.rows).map(([k, v]) => `${v} ${k}`).join(', ')} in ${seeded.seconds.toFixed(0)} s\n`);
  return seeded;
}

/** An export is one long streamed answer: the time to its first bytes, to its end, and its size. */
async function timeExport(url: string, cookie: string): Promise<string> {
  const t0 = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}`);
  let firstByte = 0;
  let bytes = 0;
  let lines = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    if (!firstByte) firstByte = performance.now() - t0;
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  return `first bytes ${firstByte.toFixed(0)} ms, whole ${((performance.now() - t0) / 1000).toFixed(1)} s (${lines} lines, ${(bytes / 1e6).toFixed(1)} MB)`;
}

async function measure(baseUrl: string, cookie: string, seeded: Seeded): Promise<string[]> {
  const pages = [
    { name: 'progress, all learners', path: '/admin/progress?course=bench-course' },
    { name: 'progress, one group', path: `/admin/progress?course=bench-course&group=${seeded.cohortId}` },
    { name: 'progress, page 150', path: '/admin/progress?course=bench-course&page=150' },
    { name: 'learner history', path: `/admin/learners/${seeded.learnerId}` },
    { name: 'groups', path: '/admin/groups' },
    { name: 'one group\'s members', path: `/admin/groups/${seeded.cohortId}` },
    { name: 'users and sign-up', path: '/admin' },
    { name: 'fleet', path: '/admin/fleet' },
    { name: 'audit log', path: '/admin/audit' },
  ];
  const lines: string[] = [];
  const all: number[] = [];
  for (const page of pages) {
    const url = `${baseUrl}${page.path}`;
    // The first request also computes what admins then share for a minute (lib/admin/shared-figures.ts).
    const t0 = performance.now();
    const warm = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    await warm.text();
    const first = performance.now() - t0;
    if (warm.status !== 200) throw new Error(`${page.path} answered ${warm.status}`);
    const { times, non200 } = await timePage(url, Array.from({ length: CONCURRENCY }, () => cookie), ROUNDS);
    if (non200.length) throw new Error(`${page.path} answered ${non200[0]} (${non200.length} of ${times.length} requests not 200)`);
    all.push(...times);
    lines.push(`    ${page.name.padEnd(24)} p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms (${times.length} requests, ${CONCURRENCY} at a time; first alone ${first.toFixed(0)} ms)`);
  }
  all.sort((a, b) => a - b);
  lines.push(`    ${'all dashboard pages'.padEnd(24)} p50 ${percentile(all, 50).toFixed(0)} ms, p95 ${percentile(all, 95).toFixed(0)} ms`);
  for (const [name, exportPath] of [
    ['progress CSV, all', '/admin/progress/export?course=bench-course'],
    ['audit CSV', '/admin/audit/export'],
  ] as const) lines.push(`    ${name.padEnd(24)} ${await timeExport(`${baseUrl}${exportPath}`, cookie)}`);
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
      process.stdout.write(`admin dashboards on ${kind}:\n`);
      const seeded = await seedInChild(platform.env.DATABASE_URL!);
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
  const only = process.env.BENCH_DATABASES?.split(',');
  for (const kind of ['sqlite', 'postgresql'] as const) if (!only || only.includes(kind)) await benchOn(kind);
}

main().catch((error: unknown) => {
  // fetch() says only "fetch failed"; the socket's own error is its cause.
  const cause = (error as Error).cause;
  process.stderr.write(`${(error as Error).stack ?? String(error)}${cause ? `\ncaused by: ${String((cause as Error).stack ?? cause)}` : ''}\n`);
  process.exitCode = 1;
});
