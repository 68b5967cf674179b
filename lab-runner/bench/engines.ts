// Engine benchmark: the same two figures on Podman and on the Docker Engine, side by side in
// one run (docs/engines.md):
//  1. Pod start: `kubectl apply` of the course's counter Pod to Ready, on an embedded cluster
//     whose kubelet drives that engine;
//  2. sandbox create -> first prompt byte on the shell, through a runner process on that engine
//     (RUNNER_ENGINE), cold (no warm pool).
// The runs alternate between the engines, so whatever else loads the machine hits both alike.
// Usage: tsx lab-runner/bench/engines.ts [--repeats 5] [--creates 5]

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import Dockerode from 'dockerode';
import { z } from 'zod';
import { createEmbeddedClusterHost } from '../src/embedded/host.js';
import { userNamespacePool } from '../src/embedded/kubelet/engine-security.js';
import type { EmbeddedClusterHost } from '../src/embedded/host-contract.js';
import { createKubeletWith } from '../src/embedded/kubelet/index.js';
import { COUNTER_YAML } from '../src/embedded/kubelet/testing/counter-pod.js';
import { DEFAULT_ENGINE_SOCKETS, ENGINE_NAMES, engineProfile, type EngineName } from '../src/engines/profile.js';
import { ensureImages } from '../src/images/index.js';
import { removeContainers } from '../src/server/testing/runner-fixture.js';
import type { RunnerProcess } from '../src/server/testing/runner-child.js';
import { createToPrompt, percentile, startRunner } from './runner.js';

const run = promisify(execFile);

const Options = z.object({
  repeats: z.coerce.number().int().min(1).max(50).default(5),
  creates: z.coerce.number().int().min(1).max(50).default(5),
});
type EngineBenchOptions = z.infer<typeof Options>;

interface Figures { podReadyMs: number[]; createToPromptMs: number[] }
export type EngineBenchResult = Record<EngineName, { runtime: string; podReadyP50Ms: number; podReadyP95Ms: number; createToPromptP50Ms: number; createToPromptP95Ms: number; runs: Figures }>;

export async function runEngineBench(input: Partial<EngineBenchOptions> = {}, log: (line: string) => void = console.log): Promise<EngineBenchResult> {
  const options = Options.parse(input);
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-bench-engines-'));
  const prefix = `e${randomUUID().slice(0, 6)}-`;
  const figures = Object.fromEntries(ENGINE_NAMES.map((engine) => [engine, { podReadyMs: [], createToPromptMs: [] } as Figures])) as Record<EngineName, Figures>;
  const hosts: EmbeddedClusterHost[] = [];
  const clusterIds: [EmbeddedClusterHost, string][] = [];
  const runners: RunnerProcess[] = [];
  const runtimes = {} as Record<EngineName, string>;
  await writeFile(join(dir, 'counter.yaml'), COUNTER_YAML);
  try {
    // One cluster per engine, its kubelet on that engine's socket.
    const clusters = {} as Record<EngineName, string>;
    for (const engine of ENGINE_NAMES) {
      const docker = new Dockerode({ socketPath: DEFAULT_ENGINE_SOCKETS[engine] });
      await ensureImages(docker);
      const profile = await engineProfile(docker);
      const userns = profile.userNamespaces === 'daemon-wide' || (profile.userNamespaces === 'per-sandbox' && (await userNamespacePool(docker)) !== undefined);
      runtimes[engine] = `${profile.runtimeVersion}${userns ? `, user namespaces (${profile.userNamespaces})` : ', no user namespaces'}`;
      const host = createEmbeddedClusterHost({ stateDir: join(dir, engine), port: 0, storage: 'memory', kubeletFactory: createKubeletWith({ docker }) });
      hosts.push(host);
      await host.start();
      const cluster = await host.createCluster(`${prefix}${engine}`);
      clusterIds.push([host, cluster.id]);
      clusters[engine] = join(dir, `${engine}.kubeconfig`);
      await writeFile(clusters[engine], cluster.kubeconfig());
    }
    const kubectl = (engine: EngineName, ...args: string[]) =>
      run('kubectl', ['--kubeconfig', clusters[engine], '--cache-dir', join(dir, 'cache', engine), ...args], { timeout: 300_000 });
    for (const engine of ENGINE_NAMES) await kubectl(engine, 'get', 'pods'); // a warm discovery cache, as a learner's shell has it

    // 1. apply -> Ready, alternating engines.
    for (let i = 0; i < options.repeats; i++) {
      for (const engine of ENGINE_NAMES) {
        const started = performance.now();
        await kubectl(engine, 'apply', '-f', join(dir, 'counter.yaml'));
        await kubectl(engine, 'wait', '--for=condition=Ready', 'pod/counter', '--timeout=300s');
        figures[engine].podReadyMs.push(performance.now() - started);
        await kubectl(engine, 'delete', 'pod', 'counter', '--grace-period=0', '--force');
      }
      log(`Pod start ${i + 1}/${options.repeats}: ${ENGINE_NAMES.map((e) => `${e} ${figures[e].podReadyMs.at(-1)?.toFixed(0)} ms`).join(', ')}`);
    }

    // 2. create -> first prompt byte, a runner per engine, alternating.
    const byEngine = {} as Record<EngineName, RunnerProcess>;
    for (const engine of ENGINE_NAMES) {
      byEngine[engine] = await startRunner(join(dir, `runner-${engine}`), `${prefix.slice(0, -1)}${engine[0]}-`, {
        RUNNER_WARM_POOL_SIZE: '0',
        RUNNER_ENGINE: engine,
        DOCKER_HOST: `unix://${DEFAULT_ENGINE_SOCKETS[engine]}`,
      });
      runners.push(byEngine[engine]);
    }
    for (let i = 0; i < options.creates; i++) {
      for (const engine of ENGINE_NAMES) {
        const created = await createToPrompt(byEngine[engine], `bench-${i}`);
        figures[engine].createToPromptMs.push(created.ms);
        created.ws.close();
        await byEngine[engine].api('DELETE', `/v1/sandboxes/${created.id}`);
      }
      log(`create -> prompt ${i + 1}/${options.creates}: ${ENGINE_NAMES.map((e) => `${e} ${figures[e].createToPromptMs.at(-1)?.toFixed(0)} ms`).join(', ')}`);
    }
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
    // Deleting the clusters removes their containers and sandbox cgroups; stopping alone keeps them.
    for (const [host, id] of clusterIds) await host.deleteCluster(id).catch(() => undefined);
    for (const host of hosts) await host.stop();
    for (const engine of ENGINE_NAMES) await removeContainers(prefix.slice(0, -1), DEFAULT_ENGINE_SOCKETS[engine]);
    await rm(dir, { recursive: true, force: true });
  }
  const result = Object.fromEntries(
    ENGINE_NAMES.map((engine) => {
      const f = figures[engine];
      return [engine, { runtime: runtimes[engine], podReadyP50Ms: percentile(f.podReadyMs, 50), podReadyP95Ms: percentile(f.podReadyMs, 95), createToPromptP50Ms: percentile(f.createToPromptMs, 50), createToPromptP95Ms: percentile(f.createToPromptMs, 95), runs: f }];
    }),
  ) as EngineBenchResult;
  const ms = (v: number) => `${v.toFixed(0)} ms`.padStart(9);
  log('');
  log(`${'engine'.padEnd(8)} ${'Pod start p50'.padStart(14)} ${'p95'.padStart(9)} ${'create->prompt p50'.padStart(19)} ${'p95'.padStart(9)}  runtime`);
  for (const engine of ENGINE_NAMES) {
    const r = result[engine];
    log(`${engine.padEnd(8)} ${ms(r.podReadyP50Ms).padStart(14)} ${ms(r.podReadyP95Ms)} ${ms(r.createToPromptP50Ms).padStart(19)} ${ms(r.createToPromptP95Ms)}  ${r.runtime}`);
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { repeats: { type: 'string' }, creates: { type: 'string' } } });
  const result = await runEngineBench(values as Partial<EngineBenchOptions>);
  console.log(JSON.stringify(result, null, 2));
}
