// The kind provider's figures on the Docker Engine with the kind stand-in, the runner as its
// own process (RUNNER_PROVIDER=kind): POST /v1/sandboxes to the shell's first prompt byte,
// cold (no warm pool) and handed out from a full warm pool.
// Usage: DOCKER_HOST=unix:///run/kubelab/docker.sock tsx lab-runner/src/providers/kind/testing/bench-kind.ts [creates]

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToPrompt, percentile } from '../../../../bench/runner.js';
import { engineSocket } from '../../../engine-check.js';
import { silentLogger } from '../../../log.js';
import { RunnerProcess } from '../../../server/testing/runner-child.js';
import { createKindProvider } from '../index.js';

const STANDIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bin/kind');
const creates = Number(process.argv[2] ?? 3);
const prefix = `kb${randomUUID().slice(0, 6)}-`;
const stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-bench-'));
const nodesDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-bench-nodes-'));
process.env.KIND_STANDIN_STATE_DIR = nodesDir;

async function runner(poolSize: number): Promise<RunnerProcess> {
  return RunnerProcess.start({
    token: randomUUID(),
    stateDir,
    prefix,
    startTimeoutMs: 300_000,
    env: { RUNNER_PROVIDER: 'kind', RUNNER_ENGINE: 'docker', KIND_PATH: STANDIN, KIND_STANDIN_STATE_DIR: nodesDir, RUNNER_WARM_POOL_SIZE: String(poolSize) },
  });
}

async function warmPoolFull(r: RunnerProcess): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${r.url}/healthz`)).json()) as { sandboxes: Record<string, number> };
    if ((health.sandboxes.warm ?? 0) >= 1 && (health.sandboxes.provisioning ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function series(r: RunnerProcess, label: string, beforeEach: () => Promise<void>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < creates; i++) {
    await beforeEach();
    const created = await createToPrompt(r, `${label}-${i}`);
    times.push(created.ms);
    created.ws.close();
    await r.api('DELETE', `/v1/sandboxes/${created.id}`);
  }
  console.log(`kind (stand-in) create -> first prompt byte, ${label}: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, each ${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
}

try {
  const cold = await runner(0);
  await series(cold, 'cold', async () => undefined);
  await cold.stop();
  const warm = await runner(1);
  const filling = performance.now();
  await warmPoolFull(warm);
  console.log(`first warm sandbox ready ${((performance.now() - filling) / 1000).toFixed(1)} s after the runner started`);
  await series(warm, 'warm hand-out', () => warmPoolFull(warm));
  await warm.stop();
} finally {
  // The warm sandbox a stopped runner leaves for its next start, and anything a failure left.
  const leftovers = createKindProvider(
    { stateDir, dockerSocketPath: engineSocket(), toolbox: { memoryBytes: 256 << 20, pids: 256, cpus: 1 }, idPrefix: prefix, kindPath: STANDIN, kindEnv: { KIND_STANDIN_STATE_DIR: nodesDir } },
    silentLogger,
  );
  await leftovers.removeOrphans(new Set());
  await rm(stateDir, { recursive: true, force: true });
  await rm(nodesDir, { recursive: true, force: true });
}
