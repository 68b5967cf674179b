// `npm run purge` ends an install's sandboxes for good: a stopped runner's live sandbox (its
// toolbox and its Pods' containers) and its state are gone afterwards; other installs' stay.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture, SOLUTION_COMMAND, TerminalClient, closeTerminals } from '../lab-runner/src/server/testing/runner-fixture.js';
import { repoRoot } from './lib/paths.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-purge-'));
const fixtures: RunnerFixture[] = [];
afterAll(async () => {
  await closeTerminals();
  for (const f of fixtures) await f.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

function purge(stateDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // RUNNER_PORT 1: nothing answers there, so purge does not take this install for running.
    const env = { ...process.env, KUBELAB_DATA_DIR: dataDir, KUBELAB_STATE_DIR: stateDir, RUNNER_PORT: '1' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/purge.ts', '--keep-images'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run purge', () => {
  it('removes every container and the state of a stopped install, and no other install’s', { timeout: 600_000 }, async () => {
    const mine = await RunnerFixture.start();
    const other = await RunnerFixture.start({ env: {} });
    fixtures.push(mine, other);
    const sandbox = await mine.createSandbox('purged', DRAFT_EXERCISE);
    const kept = await other.createSandbox('kept', DRAFT_EXERCISE);
    const shell = await TerminalClient.open(await mine.shellUrl(sandbox.id));
    expect(await shell.run(SOLUTION_COMMAND)).toMatch(/pod\/web created/);
    await shell.close();
    await mine.stop();
    expect((await mine.leftovers()).length).toBeGreaterThan(1);
    const result = await purge(mine.stateDir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/removed \d+ containers of 1 sandboxes/);
    expect(await mine.leftovers()).toEqual([]);
    expect(existsSync(mine.stateDir)).toBe(false);
    expect((await other.api('GET', `/v1/sandboxes/${kept.id}`)).json.state).toBe('ready');
    expect((await other.leftovers()).some((l) => l.includes(kept.id))).toBe(true);
  });
});
