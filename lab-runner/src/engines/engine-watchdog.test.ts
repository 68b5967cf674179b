// The engine watchdog against a real stuck engine: a unix-socket HTTP server that answers
// `_ping` at once and holds every container list unanswered, as Podman 4.3.1 does when its
// storage locks deadlock. A whole runner on port 0 watches it: /healthz says not ready, the
// gauge says wedged; once lists answer again, both recover.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { startRunner, type Runner } from '../server/runner-app.js';
import { EngineWatchdog } from './engine-watchdog.js';

const TOKEN = 'watchdog-test-token-0123456789abcdef';
let dir: string;
let socketPath: string;
let answerLists = false;
const held: ServerResponse[] = [];
const engine = createServer((request: IncomingMessage, response: ServerResponse) => {
  if (request.url === '/_ping') return void response.end('OK');
  if (request.url?.startsWith('/containers/json')) {
    if (answerLists) return void response.end('[]');
    held.push(response);
    return;
  }
  response.statusCode = 404;
  response.end();
});
let runner: Runner;
let watchdog: EngineWatchdog;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-watchdog-'));
  socketPath = join(dir, 'engine.sock');
  engine.listen(socketPath);
  await once(engine, 'listening');
  watchdog = new EngineWatchdog({ socketPath, wedgeAfterMs: 1_500, intervalMs: 200 });
  const config = loadConfig({ RUNNER_TOKEN: TOKEN, RUNNER_PORT: '0', RUNNER_STATE_DIR: join(dir, 'state'), RUNNER_ENGINE_WEDGE_SECONDS: '2' });
  runner = await startRunner(config, silentLogger, { engineWatchdog: watchdog });
});

afterAll(async () => {
  await runner?.stop();
  for (const response of held) response.destroy();
  engine.close();
  await rm(dir, { recursive: true, force: true });
});

interface HealthAnswer {
  status: string;
  engine?: { state: string; detail: string };
  error?: { code: string; message: string };
}

async function healthz(): Promise<{ status: number; body: HealthAnswer }> {
  const response = await fetch(`${runner.url}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthAnswer };
}

async function wedgedGauge(): Promise<string | undefined> {
  const text = await (await fetch(`${runner.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return /^kubelab_engine_wedged (\d+)$/m.exec(text)?.[1];
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an engine that answers _ping but never a container list', () => {
  it('is reported wedged: /healthz 503 engine_wedged, kubelab_engine_wedged 1, one list in flight', async () => {
    const started = Date.now();
    const wedged = await until(async () => {
      const answer = await healthz();
      return answer.status === 503 ? answer : undefined;
    });
    // Not before the list has waited wedgeAfterMs.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(wedged.body.status).toBe('not_ready');
    expect(wedged.body.error?.code).toBe('engine_wedged');
    expect(wedged.body.engine?.state).toBe('wedged');
    expect(wedged.body.engine?.detail).toMatch(/GET \/_ping answers, GET \/containers\/json has not answered for \d+ s/);
    expect(await wedgedGauge()).toBe('1');
    // Later rounds wait on the same hung request instead of piling up new ones.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(held.length).toBe(1);
  });

  it('recovers once lists answer again', async () => {
    answerLists = true;
    for (const response of held.splice(0)) response.end('[]');
    await until(async () => ((await healthz()).status === 200 ? true : undefined));
    const answer = await healthz();
    expect(answer.body.status).toBe('ok');
    expect(answer.body.engine?.state).toBe('ok');
    expect(await wedgedGauge()).toBe('0');
  });

  it('an engine that does not answer at all is unreachable, not wedged', async () => {
    engine.close();
    for (const response of held.splice(0)) response.destroy();
    await rm(socketPath, { force: true });
    const state = await until(async () => {
      const answer = await healthz();
      return answer.body.engine?.state === 'unreachable' ? answer : undefined;
    });
    expect(state.status).toBe(200);
    expect(state.body.engine?.detail).toMatch(/GET \/_ping/);
    expect(await wedgedGauge()).toBe('0');
  });
});
