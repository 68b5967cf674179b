// Two installs of the platform on one container engine, with the same sandbox prefix (as two
// checkouts with default settings have): each owns its sandboxes by the identity in its state
// directory. Started and stopped in turn, with live sandboxes and Pods, neither adopts, reaps
// or removes the other's containers; a runner starts cleanly beside the Pods of an install
// whose state is gone; its own orphans are removed in dependency order (infra last).

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_SOCKET, DRAFT_EXERCISE, removeContainers } from './testing/runner-fixture.js';
import { RunnerProcess } from './testing/runner-child.js';
import { userNamespacesWanted } from '../embedded/kubelet/engine-security.js';

const run = promisify(execFile);
const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
const token = `installs-token-${randomUUID()}`;
// One prefix for both installs: the prefix does not tell them apart, their identities do.
const prefix = `i${randomUUID().slice(0, 6)}-`;
const dirs: string[] = [];
const runners: RunnerProcess[] = [];

afterAll(async () => {
  for (const runner of runners) await runner.kill();
  await removeContainers(prefix);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(stateDir: string): Promise<RunnerProcess> {
  const runner = await RunnerProcess.start({ token, stateDir, prefix });
  runners.push(runner);
  return runner;
}

/** A sandbox with the solution's two-container Pod running (an infra container and two that join it). */
async function sandboxWithPod(runner: RunnerProcess, stateDir: string, owner: string): Promise<string> {
  const created = await runner.api('POST', '/v1/sandboxes', { owner, exercise: DRAFT_EXERCISE });
  expect(created.status).toBe(201);
  const id = created.json.id as string;
  const kubeconfig = path.join(stateDir, `kubeconfig-${id}`);
  await writeFile(kubeconfig, (await runner.api('GET', `/v1/sandboxes/${id}/kubeconfig`)).text);
  const manifest = path.join(stateDir, 'web.yaml');
  await writeFile(manifest, DRAFT_EXERCISE.solution.commands[0]!.split('\n').slice(1, -1).join('\n'));
  await run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', manifest]);
  await run('kubectl', ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=300s']);
  return id;
}

/** Ids of the engine's containers of a sandbox (its toolbox and its Pods'), sorted. */
async function containersOf(sandbox: string): Promise<string[]> {
  const pods = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${sandbox}`] } });
  const toolbox = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.sandbox=${sandbox}`] } });
  return [...pods, ...toolbox].map((c) => c.Id).sort();
}

const foreignCount = (runner: RunnerProcess) => (runner.logEvent('foreign_containers_left_alone')?.count as number | undefined) ?? -1;

describe('installs sharing an engine', () => {
  it('never touch each other’s containers, start beside a removed install’s Pods, and remove their own orphans infra last', { timeout: 900_000 }, async () => {
    const dirA = await mkdtemp(path.join(tmpdir(), 'kubelab-install-a-'));
    const dirB = await mkdtemp(path.join(tmpdir(), 'kubelab-install-b-'));
    dirs.push(dirA, dirB);

    // Install A with a live sandbox and Pod, stopped as Ctrl-C would: its sandboxes keep running.
    const a = await start(dirA);
    const sandboxA = await sandboxWithPod(a, dirA, 'alice');
    const containersA = await containersOf(sandboxA);
    // toolbox, infra, a, b, and with user namespaces the holders of the sandbox's and the toolbox's id ranges
    expect(containersA.length).toBe(userNamespacesWanted() ? 6 : 4);
    expect(await a.stop()).toBe(0);
    const idA = readFileSync(path.join(dirA, 'install-id'), 'utf8').trim();

    // Install B starts beside them: they are A's, counted and left alone.
    const b = await start(dirB);
    expect(readFileSync(path.join(dirB, 'install-id'), 'utf8').trim()).not.toBe(idA);
    expect(foreignCount(b)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxA)).toEqual(containersA);
    expect((await b.api('GET', '/v1/sandboxes')).json.sandboxes).toEqual([]);
    expect((await b.api('GET', `/v1/sandboxes/${sandboxA}`)).status).toBe(404);
    const sandboxB = await sandboxWithPod(b, dirB, 'bob');
    const containersB = await containersOf(sandboxB);
    expect(await b.stop()).toBe(0);

    // A again: it adopts its own sandbox, B's stay as they are.
    const a2 = await start(dirA);
    expect((await a2.api('GET', `/v1/sandboxes/${sandboxA}`)).json.state).toBe('ready');
    expect(foreignCount(a2)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxA)).toEqual(containersA);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    // A's own orphans: killed, and its sandbox's state lost (as mid-create), so only the
    // containers are left. The next start removes them, the Pod's infra container last.
    await a2.kill();
    await rm(path.join(dirA, 'host', 'clusters', sandboxA), { recursive: true, force: true });
    await rm(path.join(dirA, 'sandboxes'), { recursive: true, force: true });
    const a3 = await start(dirA);
    expect(a3.logEvent('orphan_removal_failed')).toBeUndefined();
    expect(await containersOf(sandboxA)).toEqual([]);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    expect(await a3.stop()).toBe(0);

    // A removed install: its state directory is gone, its containers are still on the engine.
    await rm(dirB, { recursive: true, force: true });
    const c = await start(dirB);
    expect(foreignCount(c)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    expect((await c.api('GET', '/healthz')).status).toBe(200);
    expect(await c.stop()).toBe(0);
  });
});
