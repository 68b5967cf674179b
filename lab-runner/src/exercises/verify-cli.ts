// `npm run exercises:verify [-- <exercise-id>...] [--concurrency N]`: proves every exercise
// in exercises/ on fresh embedded sandboxes through the runner's own sandbox manager, a few
// at a time. Prints one line per exercise, then exactly `N passed, M failed`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CheckEngine } from '../checks/check-engine.js';
import { loadConfig } from '../config.js';
import { requireEngine } from '../engine-check.js';
import { createLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { createEmbeddedProvider } from '../providers/embedded/index.js';
import { SandboxService } from '../sandboxes/sandbox-service.js';
import { SandboxStore } from '../sandboxes/sandbox-store.js';
import { ExerciseCatalog } from './exercise-catalog.js';
import { verifyExercise, type VerifyOutcome } from './verify-exercise.js';

const Args = z.object({
  concurrency: z.coerce.number().int().min(1).max(8).default(3),
  ids: z.array(z.string().regex(/^[a-z0-9-]+$/, 'exercise ids are kebab-case')),
});

function parseArgs(argv: string[]): z.infer<typeof Args> {
  const ids: string[] = [];
  let concurrency: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--concurrency') concurrency = argv[++i];
    else if (arg.startsWith('--concurrency=')) concurrency = arg.slice('--concurrency='.length);
    else ids.push(arg);
  }
  const parsed = Args.safeParse({ concurrency, ids });
  if (!parsed.success) {
    process.stderr.write(`exercises:verify: ${parsed.error.issues.map((i) => i.message).join('; ')}\nusage: npm run exercises:verify [-- <exercise-id>...] [--concurrency N]\n`);
    process.exit(2);
  }
  return parsed.data;
}

const args = parseArgs(process.argv.slice(2));
// Only the runner settings that matter here; the service token is not used (no HTTP).
const config = loadConfig({ ...process.env, RUNNER_TOKEN: randomBytes(24).toString('hex') });
await requireEngine('exercises:verify', { DOCKER_HOST: `unix://${config.dockerSocketPath}` }, config.engine);
const logger = createLogger({ level: 'warn', write: (line) => void process.stderr.write(line) }, { service: 'exercises-verify' });
const stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-verify-'));
const prefix = `v${randomBytes(3).toString('hex')}-`;

const catalog = new ExerciseCatalog(config.exercisesDir);
const all = await catalog.all();
const unknown = args.ids.filter((id) => !all.some((e) => e.id === id));
if (unknown.length > 0) {
  process.stderr.write(`exercises:verify: no such exercise: ${unknown.join(', ')}\n`);
  process.exit(2);
}
const exercises = args.ids.length > 0 ? all.filter((e) => args.ids.includes(e.id)) : all;

const metrics = createMetrics({ defaultMetrics: false });
const sandboxes = new SandboxService({
  provider: createEmbeddedProvider({ ...config, stateDir, idPrefix: prefix }, logger),
  store: new SandboxStore(stateDir, logger),
  logger,
  metrics,
  timeouts: { idleSeconds: 3600, maxLifetimeSeconds: 7200 },
  maxSandboxes: args.concurrency,
  maxSandboxesPerOwner: 1,
  warmPoolSize: 0,
  idPrefix: prefix,
});
const engine = new CheckEngine({ metrics, logger });

const started = Date.now();
const outcomes: VerifyOutcome[] = [];
try {
  await sandboxes.start();
  process.stdout.write(`verifying ${exercises.length} exercises, ${args.concurrency} at a time\n`);
  const queue = [...exercises];
  await Promise.all(
    Array.from({ length: Math.min(args.concurrency, queue.length) }, async () => {
      for (let exercise = queue.shift(); exercise; exercise = queue.shift()) {
        const outcome = await verifyExercise(sandboxes, engine, exercise.id, exercise);
        outcomes.push(outcome);
        const line = `${outcome.passed ? 'PASS' : 'FAIL'} ${outcome.exercise} (${outcome.seconds.toFixed(1)} s)`;
        process.stdout.write(`${line}\n${outcome.problems.map((p) => `     - ${p}\n`).join('')}`);
      }
    }),
  );
} finally {
  await sandboxes.stop();
  await rm(stateDir, { recursive: true, force: true });
}
const failed = outcomes.filter((o) => !o.passed).length;
process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
process.stdout.write(`${outcomes.length - failed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
