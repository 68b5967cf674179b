// The runner as a real process, killed and restarted: sandboxes come back as they were
// (objects, running Pods, shells reconnectable) and a create interrupted by the kill leaves
// nothing behind once the runner is up again.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeTerminals, DRAFT_EXERCISE, leftovers, removeContainers, SOLUTION_COMMAND, TerminalClient } from './testing/runner-fixture.js';
import { RunnerProcess } from './testing/runner-child.js';

const token = `restart-token-${randomUUID()}`;
const prefix = `r${randomUUID().slice(0, 6)}-`;
let stateDir: string;
const runners: RunnerProcess[] = [];

async function startRunner(): Promise<RunnerProcess> {
  const runner = await RunnerProcess.start({ token, stateDir, prefix });
  runners.push(runner);
  return runner;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

afterEach(closeTerminals);

afterAll(async () => {
  for (const runner of runners) await runner.kill();
  await removeContainers(prefix);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('runner restart', () => {
  it('brings sandboxes back after a kill, and removes what an interrupted create left', { timeout: 360_000 }, async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-restart-'));
    const first = await startRunner();
    const created = await first.api('POST', '/v1/sandboxes', { owner: 'keeper', exercise: DRAFT_EXERCISE });
    expect(created.status).toBe(201);
    const kept = created.json.id as string;
    const shell = await TerminalClient.open((await first.api('POST', `/v1/sandboxes/${kept}/shell-tickets`, {})).json.url);
    expect(await shell.run(SOLUTION_COMMAND)).toMatch(/pod\/web created/);
    // Running before the kill, so that "kept running" below says something about the restart.
    expect(await shell.run('kubectl wait --for=condition=Ready pod/web --timeout=120s')).toMatch(/pod\/web condition met/);

    // A second create, killed once its cluster exists on disk.
    void first.api('POST', '/v1/sandboxes', { owner: 'interrupted', exercise: DRAFT_EXERCISE }).catch(() => undefined);
    let doomed = '';
    await until(async () => {
      const listed = (await first.api('GET', '/v1/sandboxes?owner=interrupted')).json.sandboxes as { id: string }[];
      doomed = listed[0]?.id ?? '';
      return doomed !== '' && existsSync(path.join(stateDir, 'host', 'clusters', doomed));
    }, 'the interrupted create to reach the host');
    await first.kill();
    expect((await leftovers(prefix, stateDir)).some((l) => l.includes(doomed))).toBe(true);
    await shell.closed;

    const second = await startRunner();
    const listed = (await second.api('GET', '/v1/sandboxes')).json.sandboxes as { id: string; state: string }[];
    expect(listed.map((s) => [s.id, s.state])).toEqual([[kept, 'ready']]);
    expect((await leftovers(prefix, stateDir)).filter((l) => !l.includes(kept))).toEqual([]);

    // The Pod kept running, the checks still grade it, and a shell reconnects to the same cluster.
    const checks = await second.api('POST', `/v1/sandboxes/${kept}/checks`, {});
    expect(checks.json).toMatchObject({ passed: true });
    const again = await TerminalClient.open((await second.api('POST', `/v1/sandboxes/${kept}/shell-tickets`, {})).json.url);
    expect(await again.run('kubectl get pod web -o jsonpath={.status.phase}; echo')).toMatch(/\rRunning\r\n/);
    await again.close();

    expect((await second.api('DELETE', `/v1/sandboxes/${kept}`)).status).toBe(200);
    expect(await leftovers(prefix, stateDir)).toEqual([]);
    expect(await second.stop()).toBe(0);
  });
});
