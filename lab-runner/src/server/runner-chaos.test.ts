// Chaos: twenty live sandboxes, each with a running Pod and an open shell, and the runner
// process is SIGKILLed. A runner restarted on the same state directory must lose none of
// them (listed ready, reachable with real kubectl, the same Pod containers still running),
// leave no container on the engine that belongs to no sandbox or no Pod, and take new shells.
// Prints how long recovery took.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKER_SOCKET, leftovers, removeContainers, TerminalClient } from './testing/runner-fixture.js';
import { RunnerProcess } from './testing/runner-child.js';

const SANDBOXES = 20;
/** Sandboxes created at once: enough to be quick, few enough for a loaded two-core machine. */
const CREATE_CONCURRENCY = 4;
const token = `chaos-token-${randomUUID()}`;
const prefix = `c${randomUUID().slice(0, 6)}-`;
const run = promisify(execFile);
let stateDir = '';
const runners: RunnerProcess[] = [];

const POD = (index: number) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: hello\n    image: busybox\n    command: [sh, -c, 'echo Hello ${index}; exec sleep 3600']\n`;

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
    }),
  );
  return out;
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 });
  return stdout;
}

async function kubeconfigFile(runner: RunnerProcess, id: string): Promise<string> {
  const reply = await runner.api('GET', `/v1/sandboxes/${id}/kubeconfig`);
  expect(reply.status).toBe(200);
  const file = path.join(stateDir, `kubeconfig-${id}`);
  await writeFile(file, reply.text, { mode: 0o600 });
  return file;
}

async function openShell(runner: RunnerProcess, id: string): Promise<TerminalClient> {
  const reply = await runner.api('POST', `/v1/sandboxes/${id}/shell-tickets`, {});
  expect(reply.status).toBe(201);
  const shell = await TerminalClient.open(reply.json.url as string);
  await shell.waitFor(/\$ $/, 60_000);
  return shell;
}

/** What kubectl says of the sandbox's Pod: phase, container id, restart count and uid. */
async function podState(kubeconfig: string): Promise<{ line: string; uid: string }> {
  const out = await kubectl(kubeconfig, 'get', 'pod', 'hello', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount} {.metadata.uid}');
  const parts = out.trim().split(' ');
  return { line: parts.slice(0, 3).join(' '), uid: parts[3] ?? '' };
}

/** Containers labelled for this runner's sandboxes that belong to no sandbox, or to no Pod of their sandbox. */
async function orphanContainers(pods: Map<string, string>): Promise<string[]> {
  const docker = new Dockerode({ socketPath: DOCKER_SOCKET });
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const orphans: string[] = [];
  for (const c of containers) {
    const sandbox = c.Labels['io.kubelab.sandbox'] ?? c.Labels['io.kubelab.cluster'] ?? '';
    if (!sandbox.startsWith(prefix)) continue;
    const name = c.Names[0] ?? c.Id;
    const podUid = c.Labels['io.kubelab.pod-uid'];
    if (!pods.has(sandbox)) orphans.push(`${name}: sandbox ${sandbox} is gone`);
    else if (podUid && podUid !== pods.get(sandbox)) orphans.push(`${name}: no Pod ${podUid} in ${sandbox}`);
  }
  return orphans;
}

afterAll(async () => {
  for (const runner of runners) await runner.kill();
  await removeContainers(prefix);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('runner chaos', () => {
  it(`keeps ${SANDBOXES} live sandboxes through a SIGKILL and a restart`, { timeout: 900_000 }, async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-chaos-'));
    const start = () => RunnerProcess.start({ token, stateDir, prefix, env: { RUNNER_SHUTDOWN_DRAIN_MS: '2000' } });
    const first = await start();
    runners.push(first);

    // Twenty sandboxes, each with its Pod running and a shell open, as twenty learners would have them.
    const began = performance.now();
    const ids = await inBatches(
      Array.from({ length: SANDBOXES }, (_, i) => i),
      CREATE_CONCURRENCY,
      async (i) => {
        const created = await first.api('POST', '/v1/sandboxes', { owner: `chaos-${i}`, exercise: 'first-pod' });
        expect(created.status, created.text).toBe(201);
        const id = created.json.id as string;
        const kubeconfig = await kubeconfigFile(first, id);
        await run('sh', ['-c', 'printf "%s" "$POD" | kubectl --kubeconfig "$KC" apply -f -'], { env: { ...process.env, POD: POD(i), KC: kubeconfig }, timeout: 60_000 });
        return id;
      },
    );
    expect(new Set(ids).size).toBe(SANDBOXES);
    const before = new Map<string, string>();
    await inBatches(ids, CREATE_CONCURRENCY, async (id) => {
      const file = path.join(stateDir, `kubeconfig-${id}`);
      await kubectl(file, 'wait', '--for=jsonpath={.status.phase}=Running', 'pod/hello', '--timeout=300s');
      before.set(id, (await podState(file)).line);
    });
    const shells = await inBatches(ids, CREATE_CONCURRENCY, (id) => openShell(first, id));
    console.log(`chaos: ${SANDBOXES} sandboxes with a running Pod and an open shell in ${Math.round(performance.now() - began)} ms`);

    await first.kill();
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    await Promise.all(shells.map((s) => s.closed));

    // Recovery: from the new process's start to every sandbox reachable with its Pod running and a shell answering.
    const restarted = performance.now();
    const second = await start();
    runners.push(second);
    const serving = performance.now() - restarted;
    const listed = (await second.api('GET', '/v1/sandboxes')).json.sandboxes as { id: string; state: string }[];
    expect(listed.map((s) => [s.id, s.state]).sort()).toEqual(ids.map((id) => [id, 'ready']).sort());
    const after = new Map<string, string>();
    const podUids = new Map<string, string>();
    await inBatches(ids, CREATE_CONCURRENCY, async (id) => {
      const state = await podState(await kubeconfigFile(second, id));
      after.set(id, state.line);
      podUids.set(id, state.uid);
    });
    // The same containers, still running, never restarted: the kill did not touch the learners' Pods.
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
    for (const value of after.values()) expect(value).toMatch(/^Running \S+ 0$/);
    expect(await orphanContainers(podUids)).toEqual([]);
    const reopened = await inBatches(ids, CREATE_CONCURRENCY, (id) => openShell(second, id));
    const recovered = performance.now() - restarted;
    console.log(`chaos: runner serving again ${Math.round(serving)} ms after the restart began; all ${SANDBOXES} sandboxes reachable, Pods running and shells open after ${Math.round(recovered)} ms`);

    const lost = ids.filter((id) => !listed.some((s) => s.id === id));
    expect(lost).toEqual([]);

    for (const shell of reopened) await shell.close();
    await inBatches(ids, CREATE_CONCURRENCY, async (id) => expect((await second.api('DELETE', `/v1/sandboxes/${id}`)).status).toBe(200));
    expect(await leftovers(prefix, stateDir)).toEqual([]);
    expect(await second.stop()).toBe(0);
  });
});
