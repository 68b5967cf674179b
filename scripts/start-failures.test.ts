// A failed start ends with one clear line (what failed, what to do) and a non-zero exit, with
// the details in a log file the line names: real processes, as an operator would run them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './lib/paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-start-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runToEnd(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('a start that cannot succeed', () => {
  it('npm start with a RUNNER_TOKEN shorter than 16 characters: one line naming it and the log, exit 1, no stack trace', { timeout: 120_000 }, async () => {
    const dataDir = path.join(dir, 'data');
    const result = await runToEnd(['scripts/start.ts'], { KUBELAB_DATA_DIR: dataDir, RUNNER_TOKEN: 'too-short' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    const [line] = lines(result.stderr);
    expect(line).toMatch(/^\[kubelab\] npm start failed: the environment is not valid: RUNNER_TOKEN must be at least 16 characters; fix it in \.env/);
    expect(line).toContain(`Details: ${path.join(dataDir, 'logs', 'start.log')}`);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(path.join(dataDir, 'logs', 'start.log'), 'utf8')).toMatch(/EnvError|RUNNER_TOKEN/);
  });

  it('npm run cluster without a container engine: one line saying what is missing and how to get it, exit 1', { timeout: 120_000 }, async () => {
    const socket = path.join(dir, 'no-engine.sock');
    const kubeconfig = path.join(dir, 'kc');
    const result = await runToEnd(['src/embedded/cluster-cli.ts', '--kubeconfig', kubeconfig], { DOCKER_HOST: `unix://${socket}` }, path.join(repoRoot, 'lab-runner'));
    expect(result.code).toBe(1);
    expect(lines(result.stdout + result.stderr)).toEqual([
      `cluster: no container engine at ${socket} (the socket does not exist); start it with \`npm start\` (it installs and starts Podman's API service there) or point DOCKER_HOST at a running one`,
    ]);
    expect(existsSync(kubeconfig)).toBe(false);
  });

  it('the runner without a container engine: the same one line, exit 1', { timeout: 120_000 }, async () => {
    const socket = path.join(dir, 'no-engine.sock');
    const result = await runToEnd(['src/main.ts'], { DOCKER_HOST: `unix://${socket}`, RUNNER_TOKEN: 'a-long-enough-token-0123', RUNNER_STATE_DIR: path.join(dir, 'state') }, path.join(repoRoot, 'lab-runner'));
    expect(result.code).toBe(1);
    expect(lines(result.stdout + result.stderr)).toEqual([expect.stringMatching(new RegExp(`^lab-runner: no container engine at ${socket} \\(the socket does not exist\\); start it with`))]);
  });
});
