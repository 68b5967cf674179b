// The runner as a real process: configuration errors, start, and a graceful SIGTERM.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNNER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.resolve(RUNNER_DIR, '../node_modules/.bin/tsx');

function runMain(env: Record<string, string>) {
  const child = spawn(TSX, ['src/main.ts'], {
    cwd: RUNNER_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('main', () => {
  it('refuses to start without RUNNER_TOKEN and says why', async () => {
    const run = runMain({ RUNNER_PORT: '0' });
    expect(await run.exited).toBe(2);
    expect(run.err()).toMatch(/RUNNER_TOKEN: is required/);
  });

  it('serves /healthz, logs JSON lines without the token, and exits 0 on SIGTERM', { timeout: 180_000 }, async () => {
    const token = 'main-test-token-0123456789';
    const prefix = `m${randomUUID().slice(0, 8)}-`;
    const stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-main-'));
    const run = runMain({ RUNNER_PORT: '0', RUNNER_TOKEN: token, RUNNER_WARM_POOL_SIZE: '0', RUNNER_STATE_DIR: stateDir, RUNNER_SANDBOX_PREFIX: prefix });
    const url = await new Promise<string>((resolve, reject) => {
      // A cold process start (tsx, imports, image check, engine) on a busy machine: generous, as
      // it is not a speed test (it took over 30 s with both test workers busy).
      const timer = setTimeout(() => reject(new Error(`runner did not start: ${run.err()}`)), 120_000);
      const poll = setInterval(() => {
        const line = run.out().split('\n').find((l) => l.includes('"runner_started"'));
        if (!line) return;
        clearInterval(poll);
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }, 50);
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${url}/v1/sandboxes`)).status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const lines = run.out().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toContain('runner_stopped');
    expect(run.out()).not.toContain(token);
    await rm(stateDir, { recursive: true, force: true });
  });
});
