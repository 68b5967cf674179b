// Runner benchmark on the embedded provider, with the runner as its own process:
//  1. POST /v1/sandboxes to the first prompt byte on the shell (p50, p95), cold (no warm
//     pool) and from the warm pool (goal: p50 under 0.5 s warm);
//  2. N sandboxes each with an open shell: keystroke echo latency (p50, p99) and the
//     runner's resident memory.
// Usage: tsx lab-runner/bench/runner.ts [--creates 8] [--sandboxes 100] [--keystrokes 5]

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { z } from 'zod';
import { removeContainers } from '../src/server/testing/runner-fixture.js';
import { RunnerProcess } from '../src/server/testing/runner-child.js';


const Options = z.object({
  creates: z.coerce.number().int().min(1).max(100).default(8),
  sandboxes: z.coerce.number().int().min(1).max(500).default(100),
  keystrokes: z.coerce.number().int().min(1).max(100).default(5),
});
type BenchOptions = z.infer<typeof Options>;

export const EXERCISE = {
  id: 'bench-empty',
  title: { 'zh-CN': '基准', en: 'Bench' },
  description: { 'zh-CN': '基准测试。', en: 'A benchmark.' },
  difficulty: 'beginner',
  estimatedMinutes: 1,
  tasks: { 'zh-CN': '无。', en: 'Nothing.' },
  checks: [
    {
      id: 'nothing',
      kind: 'podExists',
      params: { pod: 'nothing' },
      title: { 'zh-CN': '无', en: 'Nothing' },
      failureMessage: { 'zh-CN': '{observed}', en: '{observed}' },
      hints: [{ 'zh-CN': '无', en: 'None' }],
    },
  ],
  solution: { commands: ['kubectl run nothing --image=busybox -- sleep 3600'], explanation: { 'zh-CN': '无', en: 'None' } },
};

/** A runner started for the bench: many sandboxes per owner, the warm pool as `env` says. */
export function startRunner(stateDir: string, prefix: string, env: Record<string, string>): Promise<RunnerProcess> {
  return RunnerProcess.start({
    token: `bench-${randomUUID()}`,
    stateDir,
    prefix,
    env: { RUNNER_MAX_SANDBOXES: '1000', RUNNER_MAX_SANDBOXES_PER_OWNER: '1000', ...env },
    startTimeoutMs: 120_000,
  });
}

/** A runner API call that must succeed; resolves to its JSON answer. */
async function call(runner: RunnerProcess, method: string, route: string, body?: unknown): Promise<any> {
  const reply = await runner.api(method, route, body);
  if (reply.status < 200 || reply.status > 299) throw new Error(`${method} ${route} answered ${reply.status}: ${reply.text}`);
  return reply.json;
}

/** The runner process's resident memory, in bytes. */
function rssBytes(runner: RunnerProcess): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${runner.child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

/** Opens the shell and resolves when the prompt's first byte arrives. */
async function openShell(runner: RunnerProcess, id: string): Promise<{ ws: WebSocket; output: () => string }> {
  const { url } = (await call(runner, 'POST', `/v1/sandboxes/${id}/shell-tickets`, {})) as { url: string };
  const ws = new WebSocket(url);
  let text = '';
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      text += data.toString('utf8');
      resolve();
    });
    ws.once('error', reject);
  });
  return { ws, output: () => text };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function createToPrompt(runner: RunnerProcess, owner: string): Promise<{ id: string; ms: number; ws: WebSocket }> {
  const started = performance.now();
  const sandbox = (await call(runner, 'POST', '/v1/sandboxes', { owner, exercise: EXERCISE })) as { id: string };
  const shell = await openShell(runner, sandbox.id);
  return { id: sandbox.id, ms: performance.now() - started, ws: shell.ws };
}

async function waitForWarm(runner: RunnerProcess, size: number): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${runner.url}/healthz`)).json()) as { sandboxes: Record<string, number> };
    if ((health.sandboxes.warm ?? 0) >= size && (health.sandboxes.provisioning ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runRunnerBench(input: Partial<BenchOptions> = {}, log: (line: string) => void = console.log) {
  const options = Options.parse(input);
  const prefix = `b${randomUUID().slice(0, 6)}-`;
  const stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-bench-'));
  const result: Record<string, number> = {};
  try {
    // 1a. Cold creates.
    let runner = await startRunner(stateDir, prefix, { RUNNER_WARM_POOL_SIZE: '0' });
    const cold: number[] = [];
    for (let i = 0; i < options.creates; i++) {
      const created = await createToPrompt(runner, `cold-${i}`);
      cold.push(created.ms);
      created.ws.close();
      await call(runner, 'DELETE', `/v1/sandboxes/${created.id}`);
    }
    result.coldP50Ms = percentile(cold, 50);
    result.coldP95Ms = percentile(cold, 95);
    log(`create -> first prompt byte, cold:  p50 ${ms(result.coldP50Ms)}, p95 ${ms(result.coldP95Ms)} (${cold.length} creates)`);
    await runner.stop();

    // 1b. Creates served from a warm pool that is full when each create arrives.
    runner = await startRunner(stateDir, prefix, { RUNNER_WARM_POOL_SIZE: '2' });
    const warm: number[] = [];
    for (let i = 0; i < options.creates; i++) {
      await waitForWarm(runner, 2);
      const created = await createToPrompt(runner, `warm-${i}`);
      warm.push(created.ms);
      created.ws.close();
      await call(runner, 'DELETE', `/v1/sandboxes/${created.id}`);
    }
    result.warmP50Ms = percentile(warm, 50);
    result.warmP95Ms = percentile(warm, 95);
    log(`create -> first prompt byte, warm:  p50 ${ms(result.warmP50Ms)}, p95 ${ms(result.warmP95Ms)} (${warm.length} creates)`);
    await runner.stop();

    // 2. N sandboxes with an open shell each.
    runner = await startRunner(stateDir, prefix, { RUNNER_WARM_POOL_SIZE: '0' });
    const rssBefore = rssBytes(runner);
    const shells: { id: string; ws: WebSocket; text: () => string }[] = [];
    const started = performance.now();
    const queue = Array.from({ length: options.sandboxes }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const sandbox = (await call(runner, 'POST', '/v1/sandboxes', { owner: `load-${i}`, exercise: EXERCISE })) as { id: string };
          const shell = await openShell(runner, sandbox.id);
          shells.push({ id: sandbox.id, ws: shell.ws, text: shell.output });
        }
      }),
    );
    log(`${shells.length} sandboxes with an open shell created in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const echoes: number[] = [];
    for (let round = 0; round < options.keystrokes; round++) {
      for (const shell of shells) {
        const marker = String.fromCharCode(97 + (round % 26));
        const before = shell.text().length;
        const sent = performance.now();
        shell.ws.send(Buffer.from(marker), { binary: true });
        while (!shell.text().slice(before).includes(marker)) await new Promise((resolve) => setImmediate(resolve));
        echoes.push(performance.now() - sent);
      }
    }
    result.sandboxes = shells.length;
    result.echoP50Ms = percentile(echoes, 50);
    result.echoP99Ms = percentile(echoes, 99);
    result.runnerRssMiB = rssBytes(runner) / 1024 / 1024;
    result.runnerRssPerSandboxMiB = (rssBytes(runner) - rssBefore) / 1024 / 1024 / shells.length;
    log(`keystroke echo with ${shells.length} open shells: p50 ${result.echoP50Ms.toFixed(1)} ms, p99 ${result.echoP99Ms.toFixed(1)} ms (${echoes.length} keystrokes)`);
    log(`runner RSS with ${shells.length} sandboxes and shells: ${result.runnerRssMiB.toFixed(0)} MiB (${result.runnerRssPerSandboxMiB.toFixed(2)} MiB per sandbox over the idle runner)`);
    for (const shell of shells) shell.ws.close();
    const deleting = [...shells];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let shell = deleting.shift(); shell; shell = deleting.shift()) await call(runner, 'DELETE', `/v1/sandboxes/${shell.id}`);
      }),
    );
    await runner.stop();
  } finally {
    await removeContainers(prefix);
    await rm(stateDir, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index === -1 ? undefined : args[index + 1];
  };
  const result = await runRunnerBench({ creates: value('creates'), sandboxes: value('sandboxes'), keystrokes: value('keystrokes') } as Partial<BenchOptions>);
  console.log(JSON.stringify(result, null, 2));
}
