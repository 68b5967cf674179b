// Capacity, the warm pool, expiry and a graceful stop, on real embedded sandboxes.

import { afterEach, describe, expect, it } from 'vitest';
import { closeTerminals, DRAFT_EXERCISE, RunnerFixture, TerminalClient } from './testing/runner-fixture.js';

const fixtures: RunnerFixture[] = [];
// Terminals first (a failed test may leave some open), then the runners and what their sandboxes left.
afterEach(async (context) => {
  await closeTerminals(context);
  // One after another, newest first: a restart test's two fixtures share one state directory,
  // and two recursive removals of it at once raced (ENOTEMPTY) on a loaded machine.
  for (const fixture of fixtures.splice(0).reverse()) await fixture.destroy();
});

/** Polls until `ok`; generous, as what it waits for (a warm sandbox built, a reap) runs on the real engine. */
async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('limits, warm pool and expiry', () => {
  it('answers owner_limit_reached and at_capacity with stable codes, and creates nothing for them', async () => {
    const fixture = await RunnerFixture.start({ env: { RUNNER_MAX_SANDBOXES: '2', RUNNER_MAX_SANDBOXES_PER_OWNER: '1' } });
    fixtures.push(fixture);
    await fixture.createSandbox('alice', DRAFT_EXERCISE);
    const again = await fixture.api('POST', '/v1/sandboxes', { owner: 'alice', exercise: DRAFT_EXERCISE });
    expect(again).toMatchObject({ status: 429, json: { error: { code: 'owner_limit_reached' } } });
    await fixture.createSandbox('bob', DRAFT_EXERCISE);
    const full = await fixture.api('POST', '/v1/sandboxes', { owner: 'carol', exercise: DRAFT_EXERCISE });
    expect(full).toMatchObject({ status: 503, json: { error: { code: 'at_capacity', message: expect.stringMatching(/capacity/) } } });
    const health = (await (await fetch(`${fixture.url}/healthz`)).json()) as { sandboxes: Record<string, number> };
    expect(health.sandboxes).toMatchObject({ ready: 2, provisioning: 0 });
    expect(new Set((await fixture.leftovers()).filter((l) => l.startsWith('relays/')))).toHaveProperty('size', 2);
  });

  it('fails closed: a sandbox whose cgroup cannot be made does not start, and says why', async () => {
    // A cgroup parent below a cgroupfs file: the kernel refuses to make the sandbox's cgroup.
    const fixture = await RunnerFixture.start({ env: { RUNNER_SANDBOX_CGROUP_PARENT: 'cgroup.procs' } });
    fixtures.push(fixture);
    const refused = await fixture.api('POST', '/v1/sandboxes', { owner: 'ivy', exercise: DRAFT_EXERCISE });
    expect(refused).toMatchObject({
      status: 502,
      json: { error: { code: 'provider_failed', message: expect.stringMatching(/the sandbox's cgroup could not be set up \(creating \/sys\/fs\/cgroup\/\S*cgroup\.procs\/.*\); a sandbox does not start without its pids, memory and CPU limits/) } },
    });
    // Nothing runs for it: no Pod, no toolbox, no state.
    expect(await fixture.leftovers()).toEqual([]);
    const listed = (await fixture.api('GET', '/v1/sandboxes')).json.sandboxes as { state: string }[];
    expect(listed.filter((s) => s.state === 'ready')).toEqual([]);
  }, 180_000);

  it('serves a create from the warm pool at once, then refills the pool', async () => {
    const fixture = await RunnerFixture.start({ env: { RUNNER_WARM_POOL_SIZE: '1' } });
    fixtures.push(fixture);
    const health = async () => (await (await fetch(`${fixture.url}/healthz`)).json()) as { sandboxes: Record<string, number> };
    await eventually(health, (h) => h.sandboxes.warm === 1);
    const sandbox = await fixture.createSandbox('dave', DRAFT_EXERCISE);
    expect(sandbox.state).toBe('ready');
    // Ready for its owner when it was handed out (not when the pool built it), and idle from then on.
    expect(sandbox.history.map((h: { state: string }) => h.state)).toEqual(['provisioning', 'ready', 'provisioning', 'ready']);
    expect(sandbox.readyAt).toBe(sandbox.history[3].at);
    expect(Date.parse(sandbox.idleExpiresAt) - Date.parse(sandbox.readyAt)).toBe(1800 * 1000);
    // Served from the pool, not built on demand (how fast that is, bench/runner.ts measures).
    const metrics = await fixture.metrics();
    expect(metrics).toMatch(/kubelab_sandbox_create_seconds_count\{source="warm"\} 1/);
    // The claimed sandbox got the exercise's setup.
    const checks = await fixture.api('POST', `/v1/sandboxes/${sandbox.id}/checks`, {});
    expect(checks.json.results.find((r: { id: string }) => r.id === 'greeting-kept').passed).toBe(true);
    await eventually(health, (h) => h.sandboxes.warm === 1 && h.sandboxes.ready === 1);
    // A warm sandbox is nobody's: it is not listed or reachable over the API.
    expect((await fixture.api('GET', '/v1/sandboxes')).json.sandboxes.map((s: { id: string }) => s.id)).toEqual([sandbox.id]);
  });

  it('reaps a sandbox idle past its timeout, and extend keeps one alive', async () => {
    const idleMs = 3000;
    const fixture = await RunnerFixture.start({ parts: { reapIntervalMs: 200, timeouts: { idleSeconds: idleMs / 1000, maxLifetimeSeconds: 600 } } });
    fixtures.push(fixture);
    const idle = await fixture.createSandbox('erin', DRAFT_EXERCISE);
    // A setup slower than the idle timeout: the idle clock starts when the sandbox is ready.
    const slow = { ...DRAFT_EXERCISE, setup: { ...DRAFT_EXERCISE.setup, commands: [...DRAFT_EXERCISE.setup.commands, 'sleep 4'] } };
    const kept = await fixture.createSandbox('frank', slow);
    expect(Date.parse(kept.idleExpiresAt) - Date.parse(kept.readyAt)).toBe(idleMs);
    // Extends a dozen times per idle window, so one slow moment of a loaded machine cannot let it lapse.
    const extend = () => void fixture.api('POST', `/v1/sandboxes/${kept.id}/extend`, {}).catch(() => undefined);
    const keepAlive = setInterval(extend, 250);
    try {
      const ended = await eventually(() => fixture.api('GET', `/v1/sandboxes/${idle.id}`), (r) => r.json.state === 'deleted');
      expect(ended.json.endReason).toBe('idle_timeout');
      // Alive at twice its idle timeout, on the extends alone (the reap of the other one can
      // come long before the kept one would lapse: it proves nothing about extend by itself).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(kept.readyAt) + 2 * idleMs - Date.now())));
      expect((await fixture.api('GET', `/v1/sandboxes/${kept.id}`)).json.state).toBe('ready');
    } finally {
      clearInterval(keepAlive);
    }
    // Without them it goes like the other one.
    const lapsed = await eventually(() => fixture.api('GET', `/v1/sandboxes/${kept.id}`), (r) => r.json.state === 'deleted');
    expect(lapsed.json.endReason).toBe('idle_timeout');
    expect((await fixture.leftovers()).filter((l) => l.includes(idle.id) || l.includes(kept.id))).toEqual([]);
  });
});

describe('graceful stop', () => {
  it('closes open terminals with 1001, keeps the sandboxes for the next start, and is safe twice', async () => {
    const first = await RunnerFixture.start();
    fixtures.push(first);
    const sandbox = await first.createSandbox('gina', DRAFT_EXERCISE);
    const terminal = await TerminalClient.open(await first.shellUrl(sandbox.id));
    await terminal.waitForPrompt();
    await Promise.all([first.stop(), first.stop()]);
    expect(await terminal.closed).toBe(1001);
    const second = await RunnerFixture.start({ reuse: { stateDir: first.stateDir, prefix: first.prefix } });
    fixtures.push(second);
    expect((await second.api('GET', `/v1/sandboxes/${sandbox.id}`)).json.state).toBe('ready');
    const again = await TerminalClient.open(await second.shellUrl(sandbox.id));
    await again.waitFor(/reconnected: a new shell/);
    await again.close();
    expect((await second.api('DELETE', `/v1/sandboxes/${sandbox.id}`)).status).toBe(200);
    expect(await second.leftovers()).toEqual([]);
  });
});

describe('heartbeat', () => {
  it('drops a terminal whose peer stops answering pings, and keeps a live one', async () => {
    // A live peer has a whole interval to answer a ping: at 300 ms, one stall of this process
    // between a ping and its pong (both ends live here) dropped the live terminal too.
    const fixture = await RunnerFixture.start({ parts: { heartbeatMs: 2000 } });
    fixtures.push(fixture);
    const sandbox = await fixture.createSandbox('hank', DRAFT_EXERCISE);
    const live = await TerminalClient.open(await fixture.shellUrl(sandbox.id, 'live'));
    const dead = await TerminalClient.open(await fixture.shellUrl(sandbox.id, 'dead'));
    await Promise.all([live.waitForPrompt(), dead.waitForPrompt()]);
    // A peer that reads nothing answers no ping.
    (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const openShells = async () => Number(/^kubelab_open_shells (\d+)$/m.exec(await fixture.metrics())?.[1]);
    // The dead one goes within two intervals.
    const deadline = Date.now() + 30_000;
    while ((await openShells()) !== 1) {
      if (Date.now() > deadline) throw new Error(`open shells stayed at ${await openShells()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await live.run('echo still-here')).toMatch(/\rstill-here\r\n/);
    await live.close();
  });
});
