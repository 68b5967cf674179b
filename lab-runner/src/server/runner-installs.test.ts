// Two installs of the platform on one container engine, with the same sandbox prefix (as two
// checkouts with default settings have): each owns its sandboxes by the identity in its state
// directory. Started and stopped in turn, with live sandboxes and Pods, neither adopts, reaps
// or removes the other's containers; a runner starts cleanly beside the Pods of an install
// whose state is gone; its own orphans are removed in dependency order (infra last).

import { execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_SOCKET, DRAFT_EXERCISE, removeContainers } from './testing/runner-fixture.js';
import { logEvent, startRunnerProcess, type RunnerProcess } from './testing/runner-process.js';

const run = promisify(execFile);
const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
const token = `installs-token-${randomUUID()}`;
// One prefix for both installs: the prefix does not tell them apart, their identities do.
const prefix = `i${randomUUID().slice(0, 6)}-`;
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await removeContainers(prefix);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const start = (stateDir: string) => startRunnerProcess({ RUNNER_TOKEN: token, RUNNER_STATE_DIR: stateDir, RUNNER_SANDBOX_PREFIX: prefix }, children);

async function api(runner: RunnerProcess, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${runner.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

/** A sandbox with the solution's two-container Pod running (an infra container and two that join it). */
async function sandboxWithPod(runner: RunnerProcess, stateDir: string, owner: string): Promise<string> {
  const created = await api(runner, 'POST', '/v1/sandboxes', { owner, exercise: DRAFT_EXERCISE });
  expect(created.status).toBe(201);
  const id = created.json.id as string;
  const kubeconfig = path.join(stateDir, `kubeconfig-${id}`);
  const reply = await fetch(`${runner.url}/v1/sandboxes/${id}/kubeconfig`, { headers: { authorization: `Bearer ${token}` } });
  await writeFile(kubeconfig, await reply.text());
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

const foreignCount = (runner: RunnerProcess) => (logEvent(runner.out(), 'foreign_containers_left_alone')?.count as number | undefined) ?? -1;

describe('installs sharing an engine', () => {
  it('never touch each other’s containers, start beside a removed install’s Pods, and remove their own orphans infra last', { timeout: 900_000 }, async () => {
    const dirA = await mkdtemp(path.join(tmpdir(), 'kubelab-install-a-'));
    const dirB = await mkdtemp(path.join(tmpdir(), 'kubelab-install-b-'));
    dirs.push(dirA, dirB);

    // Install A with a live sandbox and Pod, stopped as Ctrl-C would: its sandboxes keep running.
    const a = await start(dirA);
    const sandboxA = await sandboxWithPod(a, dirA, 'alice');
    const containersA = await containersOf(sandboxA);
    expect(containersA.length).toBe(4); // toolbox, infra, a, b
    expect(await a.stop()).toBe(0);
    const idA = readFileSync(path.join(dirA, 'install-id'), 'utf8').trim();

    // Install B starts beside them: they are A's, counted and left alone.
    const b = await start(dirB);
    expect(readFileSync(path.join(dirB, 'install-id'), 'utf8').trim()).not.toBe(idA);
    expect(foreignCount(b)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxA)).toEqual(containersA);
    expect((await api(b, 'GET', '/v1/sandboxes')).json.sandboxes).toEqual([]);
    expect((await api(b, 'GET', `/v1/sandboxes/${sandboxA}`)).status).toBe(404);
    const sandboxB = await sandboxWithPod(b, dirB, 'bob');
    const containersB = await containersOf(sandboxB);
    expect(await b.stop()).toBe(0);

    // A again: it adopts its own sandbox, B's stay as they are.
    const a2 = await start(dirA);
    expect((await api(a2, 'GET', `/v1/sandboxes/${sandboxA}`)).json.state).toBe('ready');
    expect(foreignCount(a2)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxA)).toEqual(containersA);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    // A's own orphans: killed, and its sandbox's state lost (as mid-create), so only the
    // containers are left. The next start removes them, the Pod's infra container last.
    a2.child.kill('SIGKILL');
    await new Promise((resolve) => a2.child.once('exit', resolve));
    await rm(path.join(dirA, 'host', 'clusters', sandboxA), { recursive: true, force: true });
    await rm(path.join(dirA, 'sandboxes'), { recursive: true, force: true });
    const a3 = await start(dirA);
    expect(logEvent(a3.out(), 'orphan_removal_failed')).toBeUndefined();
    expect(await containersOf(sandboxA)).toEqual([]);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    expect(await a3.stop()).toBe(0);

    // A removed install: its state directory is gone, its containers are still on the engine.
    await rm(dirB, { recursive: true, force: true });
    const c = await start(dirB);
    expect(foreignCount(c)).toBeGreaterThanOrEqual(4);
    expect(await containersOf(sandboxB)).toEqual(containersB);
    expect((await api(c, 'GET', '/healthz')).status).toBe(200);
    expect(await c.stop()).toBe(0);
  });
});
