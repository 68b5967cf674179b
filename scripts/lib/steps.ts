// Named preparation steps shared by `npm start`, `npm test` and `npm run bench`. Each one is
// idempotent and skips itself when its inputs have not changed since it last succeeded.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { hashInputs, stampMatches, writeStamp } from './stamp.js';
import { repoRoot } from './paths.js';

export function log(message: string): void {
  process.stderr.write(`[kubelab] ${message}\n`);
}

/** Runs a command to completion with inherited output; rejects with its exit status. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = repoRoot): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

const stampDir = path.join(repoRoot, 'node_modules', '.kubelab-stamps');

/** Runs `action` unless the stamp for `name` matches the hash of `inputs`. */
async function stamped(name: string, inputs: string[], action: () => Promise<void>): Promise<void> {
  const hash = hashInputs(repoRoot, inputs);
  const stampFile = path.join(stampDir, name);
  if (stampMatches(stampFile, hash)) return;
  await action();
  writeStamp(stampFile, hash);
}

export async function generatePrismaClient(): Promise<void> {
  const inputs = ['prisma/schema.prisma', 'prisma.config.ts', 'prisma/postgresql/prisma.config.ts', 'prisma/generate.ts',
    'lib/db/postgres-schema.ts', 'package-lock.json'];
  await stamped('prisma-generate', inputs, async () => {
    log('generating the Prisma clients');
    await run('tsx', ['prisma/generate.ts']);
  });
}

/** Validates the environment, applies pending migrations to DATABASE_URL and seeds the accounts (idempotent). */
export async function migrateAndSeed(env: NodeJS.ProcessEnv): Promise<void> {
  await run('tsx', ['prisma/deploy.ts'], env);
}

export async function buildImages(env: NodeJS.ProcessEnv): Promise<void> {
  log('checking the local container images (busybox, pause, toolbox)');
  await run('tsx', ['lab-runner/src/images/build-cli.ts'], env);
}

export async function buildWebApp(env: NodeJS.ProcessEnv): Promise<void> {
  const inputs = ['app', 'components', 'lib', 'messages', 'public', 'packages', 'prisma/schema.prisma',
    'next.config.js', 'next.config.mjs', 'next.config.ts', 'proxy.ts', 'middleware.ts', 'instrumentation.ts', 'tsconfig.json',
    'package-lock.json'];
  await stamped('next-build', inputs, async () => {
    log('building the web app (next build)');
    await run('next', ['build'], { ...env, NEXT_TELEMETRY_DISABLED: '1' });
  });
}
