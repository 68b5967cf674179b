// The page's countdown follows the runner's real deadline: a terminal gets the sandbox's
// deadlines when it opens, again whenever activity moves them, and why the sandbox ended just
// before the runner closes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture, TerminalClient } from '../server/testing/runner-fixture.js';

let fixture: RunnerFixture;
const opened: TerminalClient[] = [];

beforeAll(async () => {
  fixture = await RunnerFixture.start();
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await fixture?.destroy();
});

async function terminal(id: string, name = 'main'): Promise<TerminalClient> {
  const client = await TerminalClient.open(await fixture.shellUrl(id, name), { origin: 'http://localhost:3000' });
  opened.push(client);
  return client;
}

const sandboxControls = (t: TerminalClient) => t.controls.filter((c) => c.type === 'sandbox');

describe('sandbox deadlines on the shell socket', () => {
  it('sends the deadline on open, moves it on activity, and says why the sandbox ended', async () => {
    const sandbox = await fixture.createSandbox('deadline-owner', DRAFT_EXERCISE);
    const t = await terminal(sandbox.id);
    const first = await t.waitForControl((c) => c.type === 'sandbox');
    expect(first.sandbox).toMatchObject({ state: 'ready', maxExpiresAt: sandbox.maxExpiresAt });
    const before = Date.parse(first.sandbox.idleExpiresAt);

    // Activity: typing in the shell pushes the idle deadline out, and the page hears of it.
    await t.waitFor(/\$ $/, 60_000);
    t.type('echo activity\r');
    const moved = await t.waitForControl((c) => c.type === 'sandbox' && Date.parse(c.sandbox.idleExpiresAt) > before, 30_000);
    expect(moved.sandbox.state).toBe('ready');

    // An extend from the web app reaches every open terminal of the sandbox.
    const other = await terminal(sandbox.id, 'other');
    await other.waitForControl((c) => c.type === 'sandbox');
    const seen = sandboxControls(other).length;
    const extended = await fixture.api('POST', `/v1/sandboxes/${sandbox.id}/extend`, { owner: 'deadline-owner' });
    expect(extended.status).toBe(200);
    const pushed = await other.waitForControl((c) => c.type === 'sandbox' && sandboxControls(other).indexOf(c) >= seen);
    expect(pushed.sandbox.idleExpiresAt).toBe(extended.json.idleExpiresAt);

    // Ended: before the socket closes, the terminal hears that the sandbox is going and why.
    const deleted = await fixture.api('DELETE', `/v1/sandboxes/${sandbox.id}?owner=deadline-owner`);
    expect(deleted.status).toBe(200);
    await t.closed;
    expect(sandboxControls(t).at(-1)?.sandbox).toMatchObject({ endReason: 'deleted' });
    expect(['deleting', 'deleted']).toContain(sandboxControls(t).at(-1)?.sandbox.state);
  });
});
