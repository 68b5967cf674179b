// A browser that comes back to a terminal (a reload, a language switch, a dropped connection)
// gets the same shell: its working directory, its variables and the program in the
// foreground. Another tab opening the same terminal takes it over; a shell nobody comes back
// to ends after the grace period, and the next connection says it is a new shell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture, TerminalClient } from '../server/testing/runner-fixture.js';

let fixture: RunnerFixture;
let sandboxId: string;
const opened: TerminalClient[] = [];

beforeAll(async () => {
  fixture = await RunnerFixture.start({ env: { RUNNER_SHELL_GRACE_SECONDS: '3' } });
  sandboxId = (await fixture.createSandbox('reattach-owner', DRAFT_EXERCISE)).id;
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await fixture?.destroy();
});

async function open(terminal: string): Promise<TerminalClient> {
  const client = await TerminalClient.open(await fixture.shellUrl(sandboxId, terminal));
  opened.push(client);
  return client;
}

async function shellSessions(): Promise<number> {
  const reply = await fixture.api('GET', '/metrics');
  return Number(/^kubelab_shell_sessions (\d+)$/m.exec(String(reply.json))?.[1]);
}

describe('re-attaching to a terminal', () => {
  it('keeps the working directory, the variables and the foreground program across a reconnect', async () => {
    const first = await open('keep');
    await first.waitFor(/\$ $/, 60_000);
    first.type('cd /tmp; export KL_KEPT=kept-$((40+2))\r');
    await first.waitFor(/\/tmp\S* \$ /);
    first.type('read a; echo "got-$a"\r');
    await first.waitFor(/read a; echo "got-\$a"\r\n/);
    await first.close();

    const back = await open('keep');
    // The last screen comes back, and no banner says the shell is new.
    await back.waitFor(/read a; echo/);
    expect(back.text).not.toMatch(/a new shell/);
    // The same `read` is still waiting in the foreground.
    back.type('yes\r');
    await back.waitFor(/[\r\n]got-yes\r\n/);
    back.type('echo "$KL_KEPT in $(pwd)"\r');
    await back.waitFor(/[\r\n]kept-42 in \/tmp\r\n/);
  });

  it('hands the terminal to the connection that opened it last; other terminals keep their own shell', async () => {
    const tab1 = await open('tabbed');
    await tab1.waitFor(/\$ $/, 60_000);
    tab1.type('export KL_TAB=one\r');
    const other = await open('other');
    await other.waitFor(/\$ $/, 60_000);
    const tab2 = await open('tabbed');
    expect(await tab1.closed).toBe(4409);
    tab2.type('echo "tab=$KL_TAB"\r');
    await tab2.waitFor(/\rtab=one\r\n/);
    other.type('echo "other=$KL_TAB"\r');
    await other.waitFor(/\rother=\r\n/);
  });

  it('ends a shell nobody came back to after the grace period; the next one says it is new', async () => {
    const lonely = await open('lonely');
    await lonely.waitFor(/\$ $/, 60_000);
    lonely.type('export KL_GONE=1\r');
    const before = await shellSessions();
    await lonely.close();
    // The grace period is 3 s here: the shell is kept, then closed.
    await expect.poll(shellSessions, { timeout: 30_000, interval: 500 }).toBe(before - 1);
    const fresh = await open('lonely');
    await fresh.waitFor(/reconnected: a new shell/);
    await fresh.waitFor(/\$ $/, 60_000);
    fresh.type('echo "gone=${KL_GONE:-unset}"\r');
    await fresh.waitFor(/\rgone=unset\r\n/);
  });
});
