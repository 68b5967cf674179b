// The whole platform as one unit: its environment (ports, database, secrets), its
// preparation, and its two processes (web app and lab-runner). `npm start` runs it on the
// default ports; the e2e tests and benchmarks run it on their own ports and data directory.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { platformPaths } from './paths.js';
import { randomBytes } from 'node:crypto';
import { resolveAuthSecret, writeSecretOnce } from '../../lib/secret-file';
import { buildImages, buildWebApp, generatePrismaClient, log, migrateAndSeed } from './steps.js';
import { Supervisor, waitForHttp } from './supervisor.js';
import { removeSandboxContainers } from './engine-cleanup.js';

export interface PlatformEnv {
  env: NodeJS.ProcessEnv;
  webUrl: string;
  runnerUrl: string;
  dataDir: string;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port (1-65535), got "${value}"`);
  return n;
}

/** Resolves the platform's environment: explicit variables win, then .env, then defaults and generated secrets. */
export function platformEnv(base: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const { dataDir, runnerStateDir } = platformPaths(base);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const webPort = port(base.PORT, 3000, 'PORT');
  const runnerPort = port(base.RUNNER_PORT, 4000, 'RUNNER_PORT');
  const webUrl = `http://127.0.0.1:${webPort}`;
  const runnerUrl = base.RUNNER_URL ?? `http://127.0.0.1:${runnerPort}`;
  const env: NodeJS.ProcessEnv = {
    ...base,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(webPort),
    RUNNER_PORT: String(runnerPort),
    RUNNER_HOST: base.RUNNER_HOST ?? '127.0.0.1',
    RUNNER_URL: runnerUrl,
    RUNNER_TOKEN: base.RUNNER_TOKEN || writeSecretOnce(path.join(dataDir, 'runner-token'), randomBytes(32).toString('base64url')).content.trim(),
    AUTH_SECRET: resolveAuthSecret(base.AUTH_SECRET, dataDir),
    AUTH_TRUST_HOST: base.AUTH_TRUST_HOST ?? 'true',
    AUTH_URL: base.AUTH_URL ?? webUrl,
    DATABASE_URL: base.DATABASE_URL ?? `file:${path.join(dataDir, 'kubelab.db')}`,
    KUBELAB_DATA_DIR: dataDir,
    KUBELAB_STATE_DIR: runnerStateDir,
    RUNNER_ALLOWED_ORIGINS: base.RUNNER_ALLOWED_ORIGINS ?? `${webUrl},http://localhost:${webPort}`,
    KUBELAB_EXERCISES_DIR: base.KUBELAB_EXERCISES_DIR ?? path.resolve('exercises'),
  };
  return { env, webUrl, runnerUrl, dataDir };
}

/** Everything that must be ready before the processes start; each step skips itself when done. */
export async function preparePlatform(platform: PlatformEnv): Promise<void> {
  await generatePrismaClient();
  await migrateAndSeed(platform.env);
  await buildImages(platform.env);
  await buildWebApp(platform.env);
}

export interface RunningPlatform {
  supervisor: Supervisor;
  stop(): Promise<void>;
}

export async function startPlatform(platform: PlatformEnv): Promise<RunningPlatform> {
  const supervisor = new Supervisor();
  const { env } = platform;
  supervisor.start({ name: 'runner', command: 'tsx', args: ['lab-runner/src/main.ts'], env });
  supervisor.start({ name: 'web', command: 'next', args: ['start', '-H', '127.0.0.1', '-p', env.PORT!], env });
  const failed = supervisor.done.then((code) => {
    throw new Error(`the platform stopped while starting (exit ${code})`);
  });
  failed.catch(() => undefined);
  try {
    // Generous: on a busy machine the runner's start (images, recovery, the warm pool) takes minutes.
    await Promise.race([
      Promise.all([waitForHttp(`${platform.runnerUrl}/healthz`, 300_000), waitForHttp(platform.webUrl, 300_000)]),
      failed,
    ]);
  } catch (error) {
    // A start that did not finish leaves nothing running (and no port taken) behind it.
    await supervisor.stop();
    throw error;
  }
  return { supervisor, stop: () => supervisor.stop() };
}

export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export { log };

export interface ThrowawayPlatform {
  platform: PlatformEnv;
  stop(): Promise<void>;
}

/**
 * A whole platform for tests and benchmarks: its own data directory, database, ports and
 * sandbox prefix, prepared and started; stop() also removes everything it left on the
 * container engine and its data directory.
 */
export async function startThrowawayPlatform(options: { name: string; port: string; runnerPort: string; env?: NodeJS.ProcessEnv }): Promise<ThrowawayPlatform> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `kubelab-${options.name}-`));
  const sandboxPrefix = `${options.name.replace(/[^a-z0-9]/g, '').slice(0, 8) || 'tmp'}${randomBytes(3).toString('hex')}-`;
  const platform = platformEnv({
    ...process.env,
    ...options.env,
    KUBELAB_DATA_DIR: dataDir,
    PORT: options.port,
    RUNNER_PORT: options.runnerPort,
    DATABASE_URL: `file:${path.join(dataDir, 'kubelab.db')}`,
    RUNNER_SANDBOX_PREFIX: sandboxPrefix,
  });
  const cleanup = async () => {
    await removeSandboxContainers(sandboxPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await preparePlatform(platform);
    const running = await startPlatform(platform);
    return {
      platform,
      stop: async () => {
        await running.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
