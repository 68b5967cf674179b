// The engine check against the two real engines setup-system.sh runs here (Podman and the
// Docker Engine, both started with test packages), and the runner as a real process refusing
// an engine that is missing or is the other one than configured.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { identifyEngine } from './engine-check.js';
import { DEFAULT_ENGINE_SOCKETS, engineProfile } from './engines/profile.js';

const RUNNER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-engine-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: RUNNER_DIR,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', RUNNER_TOKEN: 'a-long-enough-token-0123', RUNNER_STATE_DIR: path.join(dir, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('the engine check', () => {
  it('tells the two engines apart by what they answer, and reads how each maps users', async () => {
    expect(await identifyEngine(DEFAULT_ENGINE_SOCKETS.podman)).toBe('podman');
    expect(await identifyEngine(DEFAULT_ENGINE_SOCKETS.docker)).toBe('docker');
    const docker = await engineProfile(new Dockerode({ socketPath: DEFAULT_ENGINE_SOCKETS.docker }));
    // setup-system.sh starts dockerd with --userns-remap from the `dockremap` range.
    expect(docker).toMatchObject({ name: 'docker', userNamespaces: 'daemon-wide', remapRoot: 1073741824, importIgnoresTag: false });
    expect(docker.runtimeVersion).toMatch(/^docker:\/\/\d+\.\d+\.\d+$/);
    const podman = await engineProfile(new Dockerode({ socketPath: DEFAULT_ENGINE_SOCKETS.podman }));
    expect(podman).toMatchObject({ name: 'podman', userNamespaces: 'per-sandbox', importIgnoresTag: true });
  });

  it('the runner for Docker with DOCKER_HOST on Podman: one line saying so and what to change, exit 1', { timeout: 120_000 }, async () => {
    const result = await runMain({ RUNNER_ENGINE: 'docker', DOCKER_HOST: `unix://${DEFAULT_ENGINE_SOCKETS.podman}` });
    expect(result.code).toBe(1);
    expect(lines(result.output)).toEqual([
      `lab-runner: RUNNER_ENGINE is docker but ${DEFAULT_ENGINE_SOCKETS.podman} answers as Podman; point DOCKER_HOST at the Docker Engine's socket (unset, it is ${DEFAULT_ENGINE_SOCKETS.docker}) or set RUNNER_ENGINE=podman`,
    ]);
  });

  it('the runner for Docker without a Docker Engine: one line naming the socket and how to start it, exit 1', { timeout: 120_000 }, async () => {
    const socket = path.join(dir, 'no-docker.sock');
    const result = await runMain({ KUBELAB_ENGINE: 'docker', DOCKER_HOST: `unix://${socket}` });
    expect(result.code).toBe(1);
    expect(lines(result.output)).toEqual([
      `lab-runner: no Docker Engine at ${socket} (the socket does not exist); start it with \`KUBELAB_ENGINE=docker npm start\` (as root it installs docker.io and starts dockerd there, without touching the host network; its log is data/logs/dockerd.log) or point DOCKER_HOST at a running one`,
    ]);
  });
});
