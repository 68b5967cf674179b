// The runner on the kind provider (stand-in on the Docker Engine): a sandbox handed out from
// the warm pool, the exercise's setup applied in its cluster (a manifest, a command, a node
// file), the checks through the same check engine failing before and passing after the
// solution, and the kubeconfig working with the real kubectl from the host.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../../log.js';
import { startRunner, type Runner } from '../../server/runner-app.js';
import { DRAFT_EXERCISE } from '../../server/testing/runner-fixture.js';
import { createKindProvider } from './index.js';
import type { KindProvider } from './kind-provider.js';
import { REAL_KIND, suiteTarget } from './testing/suite-target.js';

const run = promisify(execFile);
const { socket, kindPath, skipReason } = await suiteTarget();
const prefix = `kr${randomUUID().slice(0, 6)}-`;
const token = `kind-runner-${randomUUID()}`;
let stateDir: string;
let standinDir: string;
let provider: KindProvider;
let runner: Runner;

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${runner.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  if (skipReason) return;
  stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-runner-'));
  standinDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-runner-nodes-'));
  const config = loadConfig({ RUNNER_TOKEN: token, RUNNER_PORT: '0', RUNNER_STATE_DIR: stateDir, RUNNER_PROVIDER: 'kind', RUNNER_WARM_POOL_SIZE: '1', RUNNER_SANDBOX_PREFIX: prefix, RUNNER_ENGINE: 'docker', DOCKER_HOST: `unix://${socket}` });
  provider = createKindProvider(
    { ...config, idPrefix: prefix, ...(kindPath ? { kindPath } : {}), ...(REAL_KIND ? {} : { kindEnv: { KIND_STANDIN_STATE_DIR: standinDir } }) },
    silentLogger,
  );
  runner = await startRunner(config, silentLogger, { provider, idPrefix: prefix });
});

afterAll(async () => {
  if (skipReason) return;
  await runner?.stop();
  await provider?.removeOrphans(new Set());
  await rm(stateDir, { recursive: true, force: true });
  await rm(standinDir, { recursive: true, force: true });
});

describe.skipIf(skipReason)('the runner on the kind provider', () => {
  it('hands out a warm cluster with the setup applied, and checks it through the check engine', { timeout: 300_000 }, async () => {
    // The warm pool fills with a whole kind cluster before any learner asks.
    let warm: string[] = [];
    for (let i = 0; i < 1200 && warm.length === 0; i++) {
      const health = (await api('GET', '/healthz')).json;
      if ((health.sandboxes?.warm ?? 0) >= 1 && (health.sandboxes?.provisioning ?? 0) === 0) warm = await provider.list();
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(warm).toHaveLength(1);
    const created = await api('POST', '/v1/sandboxes', { owner: 'learner-1', exercise: DRAFT_EXERCISE });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'ready', provider: 'kind', owner: 'learner-1' });
    expect(created.json.id).toBe(warm[0]);
    const id = created.json.id as string;

    const kubeconfig = path.join(stateDir, 'learner.kubeconfig');
    await writeFile(kubeconfig, (await fetch(`${runner.url}/v1/sandboxes/${id}/kubeconfig`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text())));
    expect((await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('lab');
    expect((await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'namespace', 'prepared', '-o', 'name'])).stdout.trim()).toBe('namespace/prepared');
    expect(await provider.readNodeFile(id, '/etc/kubelab/greeting')).toBe('hello from setup\n');

    const before = await api('POST', `/v1/sandboxes/${id}/checks`, {});
    expect(before.json).toMatchObject({ passed: false, points: 1, maxPoints: 4 });
    expect(before.json.results[0]).toMatchObject({ id: 'web-exists', passed: false, observed: 'no pod "web" in namespace default' });

    // The learner's solution, typed in the toolbox: kubectl through the cluster's internal endpoint.
    const solved = await provider.exec(id, ['bash', '-c', DRAFT_EXERCISE.solution.commands[0]!]);
    expect(solved).toMatchObject({ exitCode: 0, stdout: 'pod/web created\n' });
    let after = before;
    for (let i = 0; i < 240 && !after.json.passed; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await api('POST', `/v1/sandboxes/${id}/checks`, {});
    }
    expect(after.json).toMatchObject({ passed: true, points: 4, maxPoints: 4 });

    expect((await api('DELETE', `/v1/sandboxes/${id}`)).status).toBeLessThan(300);
  });
});
