// The runner's HTTP and WebSocket API end to end: real embedded clusters on real podman,
// the real kubectl (on the host and in the toolbox), real WebSocket clients.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture, SOLUTION_COMMAND, TerminalClient } from './testing/runner-fixture.js';

const run = promisify(execFile);
let fixture: RunnerFixture;
let sandbox: any;

beforeAll(async () => {
  fixture = await RunnerFixture.start({ parts: { liveCheckIntervalMs: 500 } });
  sandbox = await fixture.createSandbox('learner-1', DRAFT_EXERCISE);
});

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
    expect(exists.message).toEqual({ 'zh-CN': '还没有 web：no pod "web" in namespace default', en: 'No web yet: no pod "web" in namespace default' });
    expect(two.passed).toBe(false);
    expect(greeting).toMatchObject({ passed: true, points: 1, message: { en: 'The greeting file is still there' } });
  });

  it('runs a shell in the browser: prompt, kubectl, live check pushes, resize, several terminals, reconnect with the last screen', async () => {
    const main = await TerminalClient.open(await fixture.shellUrl(sandbox.id));
    await main.waitFor(new RegExp(`\\[${sandbox.id}\\]`));
    const second = await TerminalClient.open(await fixture.shellUrl(sandbox.id, 'second'));
    await second.waitFor(/\$ /);
    // The first live run arrives on its own.
    await main.waitForControl((m) => m.type === 'checks' && m.run.passed === false);
    main.type(SOLUTION_COMMAND);
    await main.waitFor(/pod\/web created/);
    const passing = await main.waitForControl((m) => m.type === 'checks' && m.run.passed === true, 30_000);
    expect(passing.run.points).toBe(4);
    main.control({ type: 'resize', cols: 132, rows: 43 });
    await main.waitForSize(43, 132);
    second.type('echo second-terminal\r');
    await second.waitFor(/\rsecond-terminal\r\n/);
    expect(main.text).not.toMatch(/\rsecond-terminal\r\n/);
    await main.close();
    // The same terminal again re-attaches to the same shell, its last screen replayed.
    const again = await TerminalClient.open(await fixture.shellUrl(sandbox.id));
    await again.waitFor(/pod\/web created/);
    expect(again.text).not.toMatch(/reconnected: a new shell/);
    again.type('echo same-shell\r');
    await again.waitFor(/\rsame-shell\r\n/);
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
    const metrics = await (await fetch(`${fixture.url}/metrics`)).text();
    expect(metrics).toMatch(/kubelab_sandboxes\{state="ready"\} 1/);
    expect(metrics).toMatch(/kubelab_sandbox_create_seconds_count\{source="cold"\} 1/);
    expect(metrics).toMatch(/kubelab_check_seconds_count\{kind="podExists"\}/);
    expect(metrics).toMatch(/kubelab_open_shells 0/);
  });

  it('deletes the sandbox, leaving nothing on the engine or on disk', async () => {
    const reply = await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}`);
    expect(reply).toMatchObject({ status: 200, json: { state: 'deleted', endReason: 'deleted' } });
    expect((await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}`)).status).toBe(200);
    expect((await fixture.api('GET', `/v1/sandboxes/${sandbox.id}`)).json.state).toBe('deleted');
    expect(await fixture.leftovers()).toEqual([]);
  });
});
