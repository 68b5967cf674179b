// `npm run bench` (bench/pages.ts): response times of the lesson and exercise pages, server-
// rendered for signed-in learners, under 20 concurrent users against the running platform.
// Starts the whole built platform on its own ports and data directory (scripts/lib/platform),
// or measures one already running: BENCH_BASE_URL plus that platform's DATABASE_URL.
// Reports; never passes or fails on a threshold. Each line ends with the machine's 1-minute load
// average: on shared cores the percentiles follow what else runs, so compare runs at like load.
import os from 'node:os';
import { registerLearner } from '../lib/accounts';
import { createDb } from '../lib/db/client';
import { parseDatabaseUrl } from '../lib/db/database-url';
import { listenerPid, percentile, processCpuMs, signIn, timePage } from './_page-timing';

const USERS = Number(process.env.BENCH_USERS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const PAGES = [
  { name: 'lesson', path: '/courses/pods/shared-volumes' },
  { name: 'exercise', path: '/exercises/counter-hostpath' },
];

interface Running {
  baseUrl: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

async function platform(): Promise<Running> {
  if (process.env.BENCH_BASE_URL) {
    if (!process.env.DATABASE_URL) throw new Error('BENCH_BASE_URL needs the DATABASE_URL of that platform (to create the bench learners)');
    return { baseUrl: process.env.BENCH_BASE_URL, databaseUrl: process.env.DATABASE_URL, stop: async () => undefined };
  }
  const { startThrowawayPlatform } = await import('../scripts/lib/platform.js');
  const { platform, stop } = await startThrowawayPlatform({
    name: 'bench-pages',
    port: process.env.BENCH_PORT ?? '3150',
    runnerPort: process.env.BENCH_RUNNER_PORT ?? '4150',
  });
  return { baseUrl: platform.webUrl, databaseUrl: platform.env.DATABASE_URL!, stop };
}

async function main(): Promise<void> {
  const running = await platform();
  try {
    const db = createDb(parseDatabaseUrl(running.databaseUrl, process.cwd()));
    const stamp = Date.now().toString(36);
    const password = 'bench learner password';
    const cookies: string[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const email = `bench-${stamp}-${i}@bench.kubelab.test`;
      const created = await registerLearner(db, { name: `Bench ${i}`, email, password }, true);
      if (!created.ok) throw new Error(`could not create ${email}: ${created.reason}`);
      cookies.push(await signIn(running.baseUrl, email, password));
    }
    await db.$disconnect();

    process.stdout.write(`pages under ${USERS} concurrent learners, ${ROUNDS} requests each per page (${running.baseUrl})\n`);
    // The web server's CPU time per request: unlike response times it does not follow what else the machine runs.
    const server = listenerPid(Number(new URL(running.baseUrl).port));
    // Warm-up, every learner on every page once before anything is timed: the first renders fill
    // the caches and V8 optimises the server's code over the first few hundred requests. With two
    // requests only, the page timed first carried that (about 2 ms of CPU per request more).
    for (const page of PAGES) await timePage(`${running.baseUrl}${page.path}`, cookies, 1);
    for (const page of PAGES) {
      const url = `${running.baseUrl}${page.path}`;
      const cpuBefore = server === null ? 0 : processCpuMs(server);
      const { times, non200, seconds } = await timePage(url, cookies, ROUNDS);
      const cpu = server === null ? 'server CPU unknown' : `server CPU ${((processCpuMs(server) - cpuBefore) / times.length).toFixed(1)} ms/req`;
      const fmt = (n: number) => `${n.toFixed(0)} ms`;
      process.stdout.write(
        `  ${page.name.padEnd(8)} ${page.path}: p50 ${fmt(percentile(times, 50))}, p95 ${fmt(percentile(times, 95))}, p99 ${fmt(percentile(times, 99))}, ` +
          `max ${fmt(times.at(-1) ?? 0)}, ${(times.length / seconds).toFixed(1)} req/s, ${cpu}, ${non200.length} non-200 of ${times.length}, ` +
          `load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`,
      );
    }
  } finally {
    await running.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
