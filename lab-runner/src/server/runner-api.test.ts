// The runner's HTTP and WebSocket API end to end: real embedded clusters on real podman,
// the real kubectl (on the host and in the toolbox), real WebSocket clients.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeTerminals, DRAFT_EXERCISE, RunnerFixture, SOLUTION_COMMAND, TerminalClient } from './testing/runner-fixture.js';

const run = promisify(execFile);
let fixture: RunnerFixture;
let sandbox: any;

beforeAll(async () => {
  fixture = await RunnerFixture.start({ parts: { liveCheckIntervalMs: 500 } });
  sandbox = await fixture.createSandbox('learner-1', DRAFT_EXERCISE);
});

// A test that fails half-way still closes its terminals: the next one counts open shells.
afterEach(closeTerminals);

afterAll(async () => {
  await fixture?.destroy();
});

describe('sandbox lifecycle over HTTP', () => {
  it('creates a ready sandbox with states, timestamps and the expiry of its timeouts', () => {
    expect(sandbox).toMatchObject({ state: 'ready', provider: 'embedded', owner: 'learner-1', exercise: 'draft:fixture-two-containers' });
    expect(sandbox.id.startsWith(fixture.prefix)).toBe(true);
    expect(sandbox.history.map((h: { state: string }) => h.state)).toEqual(['provisioning', 'ready']);
    expect(Date.parse(sandbox.idleExpiresAt) - Date.parse(sandbox.readyAt)).toBe(1800 * 1000);
    expect(Date.parse(sandbox.maxExpiresAt) - Date.parse(sandbox.createdAt)).toBe(4 * 3600 * 1000);
  });

  it('hands out a kubeconfig that works with the real kubectl from the host, showing the setup applied', async () => {
    const reply = await fetch(`${fixture.url}/v1/sandboxes/${sandbox.id}/kubeconfig`, { headers: { authorization: `Bearer ${fixture.token}` } });
    expect(reply.headers.get('content-type')).toMatch(/yaml/);
    const file = `${fixture.stateDir}/kubeconfig-test`;
    await writeFile(file, await reply.text());
    const cm = await run('kubectl', ['--kubeconfig', file, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}']);
    expect(cm.stdout).toBe('lab');
    const ns = await run('kubectl', ['--kubeconfig', file, 'get', 'namespace', 'prepared', '-o', 'name']);
    expect(ns.stdout.trim()).toBe('namespace/prepared');
  });

  it('gets one sandbox and lists them by owner', async () => {
    expect((await fixture.api('GET', `/v1/sandboxes/${sandbox.id}`)).json.state).toBe('ready');
    expect((await fixture.api('GET', `/v1/sandboxes?owner=learner-1`)).json.sandboxes.map((s: { id: string }) => s.id)).toEqual([sandbox.id]);
    expect((await fixture.api('GET', `/v1/sandboxes?owner=someone-else`)).json.sandboxes).toEqual([]);
  });

  it('explains failing checks in both languages with what it observed, and counts points', async () => {
    const reply = await fixture.api('POST', `/v1/sandboxes/${sandbox.id}/checks`, {});
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ passed: false, points: 1, maxPoints: 4 });
    const [exists, two, greeting] = reply.json.results;
    expect(exists).toMatchObject({ id: 'web-exists', passed: false, points: 0, observed: 'no pod "web" in namespace default' });
    expect(exists.message).toEqual({ 'zh-CN': '还没有 web：命名空间 default 中没有 Pod "web"', en: 'No web yet: no pod "web" in namespace default' });
    expect(exists.observedText).toEqual({ 'zh-CN': '命名空间 default 中没有 Pod "web"', en: 'no pod "web" in namespace default' });
    expect(two.passed).toBe(false);
    expect(greeting).toMatchObject({ passed: true, points: 1, message: { en: 'The greeting file is still there' } });
  });

  // Each command is typed once the shell is ready for it (its prompt is back), and each step waits
  // for what it needs, however slow the machine: the test's timeout is the one budget.
  it('runs a shell in the browser: prompt, kubectl, live check pushes, resize, several terminals, reconnect with the last screen', { timeout: 180_000 }, async () => {
    const main = await TerminalClient.open(await fixture.shellUrl(sandbox.id));
    await main.waitForPrompt();
    expect(main.text).toContain(`[${sandbox.id}]`);
    const second = await TerminalClient.open(await fixture.shellUrl(sandbox.id, 'second'));
    await second.waitForPrompt();
    // The first live run arrives on its own.
    await main.waitForControl((m) => m.type === 'checks' && m.run.passed === false);
    expect(await main.run(SOLUTION_COMMAND)).toMatch(/\rpod\/web created\r\n/);
    const passing = await main.waitForControl((m) => m.type === 'checks' && m.run.passed === true);
    expect(passing.run.points).toBe(4);
    main.control({ type: 'resize', cols: 132, rows: 43 });
    await main.waitForSize(43, 132);
    expect(await second.run('echo second-terminal')).toMatch(/\rsecond-terminal\r\n/);
    expect(main.text).not.toMatch(/\rsecond-terminal\r\n/);
    await main.close();
    // The same terminal again re-attaches to the same shell, its last screen replayed.
    const again = await TerminalClient.open(await fixture.shellUrl(sandbox.id));
    await again.waitFor(/pod\/web created/);
    expect(again.text).not.toMatch(/reconnected: a new shell/);
    expect(await again.run('echo same-shell')).toMatch(/\rsame-shell\r\n/);
    await again.close();
    await second.close();
  });

  it('returns the authoritative passing result after the work is done, and the workload summary', async () => {
    const reply = await fixture.api('POST', `/v1/sandboxes/${sandbox.id}/checks`, {});
    expect(reply.json).toMatchObject({ passed: true, points: 4, maxPoints: 4 });
    const workloads = await fixture.api('GET', `/v1/sandboxes/${sandbox.id}/workloads`);
    const web = workloads.json.pods.find((p: { name: string }) => p.name === 'web');
    expect(web.containers.map((c: { name: string }) => c.name)).toEqual(['a', 'b']);
  });

  it('streams live check results over SSE', async () => {
    const controller = new AbortController();
    const response = await fetch(`${fixture.url}/v1/sandboxes/${sandbox.id}/checks/stream`, {
      headers: { authorization: `Bearer ${fixture.token}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: checks\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      // An ended stream resolves every read at once: looping on it would spin without a timeout ever firing.
      if (done) throw new Error(`the stream ended before a checks event: ${JSON.stringify(text)}`);
      text += decoder.decode(value, { stream: true });
    }
    const data = JSON.parse(/data: (.*)\n/.exec(text)?.[1] ?? '{}');
    expect(data.passed).toBe(true);
    controller.abort();
  });

  it('extends the idle deadline and exposes Prometheus metrics', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const extended = await fixture.api('POST', `/v1/sandboxes/${sandbox.id}/extend`, {});
    expect(Date.parse(extended.json.idleExpiresAt)).toBeGreaterThan(Date.parse(sandbox.idleExpiresAt));
    let metrics = await fixture.metrics();
    expect(metrics).toMatch(/kubelab_sandboxes\{state="ready"\} 1/);
    expect(metrics).toMatch(/kubelab_sandbox_create_seconds_count\{source="cold"\} 1/);
    expect(metrics).toMatch(/kubelab_check_seconds_count\{kind="podExists"\}/);
    // The terminals of the shell test are closed; the runner notices each close on its side.
    while (!/^kubelab_open_shells 0$/m.test(metrics)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      metrics = await fixture.metrics();
    }
  });

  it("shows the fleet: each sandbox's owner, last activity, and CPU and memory read from its cgroup", async () => {
    const first = await fixture.api('GET', '/v1/fleet');
    expect(first.status).toBe(200);
    const entry = first.json.sandboxes.find((s: { id: string }) => s.id === sandbox.id);
    expect(entry).toMatchObject({ owner: 'learner-1', state: 'ready' });
    expect(Date.parse(entry.lastActiveAt)).toBeGreaterThan(Date.parse(sandbox.createdAt) - 1);
    // The Pod "web" (two busybox containers) runs in the sandbox cgroup: it has used CPU and holds memory.
    expect(entry.usage.memoryBytes).toBeGreaterThan(0);
    expect(entry.usage.cpuSeconds).toBeGreaterThan(0);
    expect(entry.usage.cpuPercent).toBeGreaterThanOrEqual(0);
    const metrics = await (await fetch(`${fixture.url}/metrics`, { headers: { authorization: `Bearer ${fixture.token}` } })).text();
    expect(metrics).toMatch(/kubelab_sandbox_capacity\{limit="max_sandboxes"\} \d+/);
    expect(metrics).toMatch(/kubelab_sandbox_create_failures_total 0/);
    // Placement's figure: one owned sandbox uses one slot; the endpoint needs the token.
    const max = Number(/kubelab_sandbox_capacity\{limit="max_sandboxes"\} (\d+)/.exec(metrics)?.[1]);
    expect((await fixture.api('GET', '/v1/capacity')).json).toMatchObject({ provider: 'embedded', maxSandboxes: max, used: 1, free: max - 1 });
    expect((await fetch(`${fixture.url}/v1/capacity`)).status).toBe(401);
  });

  it('deletes the sandbox as an admin (any owner, with the reason kept), leaving nothing on the engine or on disk', async () => {
    expect((await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}?reason=somebody`)).status).toBe(400);
    const reply = await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}?reason=ended_by_admin`);
    expect(reply).toMatchObject({ status: 200, json: { state: 'deleted', endReason: 'ended_by_admin' } });
    expect((await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}`)).status).toBe(200);
    expect((await fixture.api('GET', `/v1/sandboxes/${sandbox.id}?owner=learner-1`)).json).toMatchObject({ state: 'deleted', endReason: 'ended_by_admin' });
    expect(await fixture.leftovers()).toEqual([]);
  });
});
