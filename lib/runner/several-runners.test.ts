// Several runners, end to end on the web side: two real runner processes (real Podman, real
// kubectl in the toolbox), a real SQLite database with the repository's exercises synced in.
// New sandboxes go to the runner with the most free capacity; a runner SIGKILLed mid-session has
// its sandboxes marked lost while the other's keep working; restarted, it is used again and the
// lost sandbox it still holds is found again.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerProcess } from '../../lab-runner/src/server/testing/runner-child.js';
import { closeTerminals, removeContainers, TerminalClient } from '../../lab-runner/src/server/testing/runner-fixture.js';
import { findExercise, type PublishedExercise } from '../content/queries';
import { syncContentFromDir } from '../content/load-and-sync';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { RunnerClientError } from './client';
import { currentSandbox, openSandbox, refreshSandbox } from './learner-sandboxes';
import { lostSandboxFor, RUNNER_LOST } from './lost-sandboxes';
import { RunnerRegistry } from './runner-registry';

const root = path.resolve(__dirname, '..', '..');
const token = `several-runners-${randomUUID()}`;

interface RunnerSpec {
  /** 0 until the first start picks one; a restart reuses it, so the runner keeps the URL it was registered with. */
  port: number;
  prefix: string;
  stateDir: string;
  maxSandboxes: number;
}

const started: RunnerProcess[] = [];

async function startRunner(spec: RunnerSpec): Promise<RunnerProcess> {
  const child = await RunnerProcess.start({
    token,
    stateDir: spec.stateDir,
    prefix: spec.prefix,
    env: { RUNNER_PORT: String(spec.port), RUNNER_MAX_SANDBOXES: String(spec.maxSandboxes), RUNNER_MAX_SANDBOXES_PER_OWNER: '1' },
  });
  started.push(child);
  spec.port = Number(new URL(child.url).port);
  return child;
}

describe('several runners', () => {
  let tmp: string;
  let db: Db;
  let exercise: PublishedExercise;
  // "big" takes four sandboxes, "small" two; small is listed first, so only free capacity can send a sandbox to big.
  const big: RunnerSpec = { port: 0, prefix: `m${randomUUID().slice(0, 6)}-`, stateDir: '', maxSandboxes: 4 };
  const small: RunnerSpec = { port: 0, prefix: `m${randomUUID().slice(0, 6)}-`, stateDir: '', maxSandboxes: 2 };
  let bigProcess: RunnerProcess;
  let registry: RunnerRegistry;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-several-runners-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await syncContentFromDir(db, path.join(root, 'exercises'));
    const found = await findExercise(db, 'first-pod');
    if (!found) throw new Error('exercises/ has no first-pod');
    exercise = found;
    for (const name of ['ada', 'bo', 'cy', 'di']) users[name] = (await db.user.create({ data: { email: `${name}@example.test`, name, passwordHash: 'x' } })).id;
    for (const spec of [big, small]) spec.stateDir = fs.mkdtempSync(path.join(tmp, 'runner-'));
    bigProcess = await startRunner(big);
    await startRunner(small);
    // Interval 0: every placement asks both runners' capacity afresh, as a quiet fleet's first request would.
    registry = new RunnerRegistry(
      [small, big].map((r) => ({ url: `http://127.0.0.1:${r.port}`, token })),
      0,
    );
  });

  afterAll(async () => {
    await closeTerminals();
    for (const child of started) await child.kill();
    for (const spec of [big, small]) await removeContainers(spec.prefix);
    await db?.$disconnect();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const hostUrl = async (rowId: string) => {
    const row = await db.sandbox.findUniqueOrThrow({ where: { id: rowId }, include: { hostRunner: true } });
    return row.hostRunner?.url;
  };
  const bigUrl = () => `http://127.0.0.1:${big.port}`;
  const smallUrl = () => `http://127.0.0.1:${small.port}`;

  it('places by free capacity, marks a killed runner’s sandboxes lost, keeps the other’s working, and uses the runner again when it returns', { timeout: 600_000 }, async () => {
    // A row from before several runners names none: registration puts it on the first configured runner.
    const legacy = await db.sandbox.create({
      data: { runnerId: 'before-several-runners', userId: users.di!, exerciseId: exercise.id, state: 'deleted', expiresAt: new Date() },
    });

    // Placement: big (4 free) beats small (2 free) twice; then 2 against 2 goes to the first listed.
    const ada = await openSandbox(db, registry, users.ada!, exercise);
    const bo = await openSandbox(db, registry, users.bo!, exercise);
    const cy = await openSandbox(db, registry, users.cy!, exercise);
    expect([await hostUrl(ada.row.id), await hostUrl(bo.row.id), await hostUrl(cy.row.id)]).toEqual([bigUrl(), bigUrl(), smallUrl()]);
    expect(ada.view.state).toBe('ready');
    expect(await hostUrl(legacy.id)).toBe(smallUrl());
    const rows = await db.runner.findMany();
    expect(Object.fromEntries(rows.map((r) => [r.url, [r.state, r.lastHealth, r.capacity]]))).toEqual({
      [bigUrl()]: ['up', 'ok', 4],
      [smallUrl()]: ['up', 'ok', 2],
    });

    // Mid-session: ada has a shell on big and has made a Pod there.
    const adaShell = await TerminalClient.open(await registry.onHost(db, ada.row, (c) => c.shellTicket(ada.row.runnerId, users.ada!, 'main')));
    expect(await adaShell.run('kubectl run web --image=busybox --restart=Never -- sleep 3600')).toMatch(/pod\/web created/);

    await bigProcess.kill();
    await adaShell.closed;

    // Her next call finds big down: her sandbox is lost, and so is bo's; the page reads it as ended for "runner_lost".
    const lostTicket = await registry.onHost(db, ada.row, (c) => c.shellTicket(ada.row.runnerId, users.ada!, 'main')).catch((e: unknown) => e);
    expect(lostTicket).toBeInstanceOf(RunnerClientError);
    expect(lostTicket).toMatchObject({ code: 'sandbox_lost', status: 410 });
    const adaNow = await refreshSandbox(db, registry, await db.sandbox.findUniqueOrThrow({ where: { id: ada.row.id } }));
    expect(adaNow.row.state).toBe('lost');
    expect(adaNow.view).toMatchObject({ state: 'deleted', endReason: RUNNER_LOST });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: bo.row.id } })).state).toBe('lost');
    expect(await db.runner.findUniqueOrThrow({ where: { url: bigUrl() } })).toMatchObject({ state: 'down', lastHealth: 'runner_unreachable' });
    // Progress is a row of its own: untouched.
    expect(await db.progress.count({ where: { userId: users.ada!, exerciseId: exercise.id } })).toBe(1);

    // cy's sandbox on small keeps working: a shell runs kubectl, and the checks grade it.
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: cy.row.id } })).state).toBe('ready');
    const cyShell = await TerminalClient.open(await registry.onHost(db, cy.row, (c) => c.shellTicket(cy.row.runnerId, users.cy!, 'main')));
    expect(await cyShell.run('kubectl get namespace default -o name')).toMatch(/namespace\/default/);
    await cyShell.close();
    const checks = await registry.onHost(db, cy.row, (c) => c.runChecks(cy.row.runnerId, users.cy!, exercise.ref));
    expect(checks.results.length).toBeGreaterThan(0);

    // Reopened, her page says the sandbox was lost instead of starting one unasked; she starts
    // again and the only runner up is small.
    expect(await currentSandbox(db, registry, users.ada!, exercise.id)).toBeNull();
    expect(await lostSandboxFor(db, users.ada!, exercise.id)).toBe(true);
    const adaAgain = await openSandbox(db, registry, users.ada!, exercise);
    expect(await hostUrl(adaAgain.row.id)).toBe(smallUrl());
    expect(await lostSandboxFor(db, users.ada!, exercise.id)).toBe(false);

    // Big comes back on the same URL and state: bo's sandbox is found again with the cluster it had;
    // ada's old one is ended there (she has moved on), so nobody holds two.
    bigProcess = await startRunner(big);
    await registry.checkAll(db);
    expect(await db.runner.findUniqueOrThrow({ where: { url: bigUrl() } })).toMatchObject({ state: 'up', lastHealth: 'ok' });
    const boBack = await db.sandbox.findUniqueOrThrow({ where: { id: bo.row.id } });
    expect(boBack).toMatchObject({ state: 'ready', endReason: null });
    expect((await refreshSandbox(db, registry, boBack)).view.state).toBe('ready');
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: ada.row.id } })).state).toBe('deleted');
    const onBig = (await bigProcess.api('GET', '/v1/sandboxes')).json.sandboxes as { id: string; state: string }[];
    expect(onBig.filter((s) => s.state === 'ready').map((s) => s.id)).toEqual([bo.row.runnerId]);

    // And it is used again: small is full (2 of 2), so di's sandbox goes to big.
    const di = await openSandbox(db, registry, users.di!, exercise);
    expect(await hostUrl(di.row.id)).toBe(bigUrl());
    const diShell = await TerminalClient.open(await registry.onHost(db, di.row, (c) => c.shellTicket(di.row.runnerId, users.di!, 'main')));
    expect(await diShell.run('kubectl get namespace default -o name')).toMatch(/namespace\/default/);
    await diShell.close();
  });
});
