// Kubelet benchmark, in one run on this machine:
//  1. time from `kubectl apply` to Ready for the course's counter Pod on the embedded cluster,
//     side by side with `podman kube play` of the same YAML (until all its containers run),
//     and their ratio (goal: <= 1.2);
//  2. the memory of N sandboxes each running that Pod.
// Usage: tsx lab-runner/bench/kubelet.ts [--sandboxes 100] [--repeats 5]

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { z } from 'zod';
import { createEmbeddedClusterHost } from '../src/embedded/host.js';
import type { EmbeddedCluster } from '../src/embedded/host-contract.js';
import { sandboxCgroupParent } from '../src/embedded/kubelet/sandbox-cgroup.js';
import { IMAGES, ensureImages } from '../src/images/index.js';
import { COUNTER_YAML } from '../src/embedded/kubelet/testing/counter-pod.js';

const run = promisify(execFile);

const Options = z.object({
  sandboxes: z.coerce.number().int().min(1).max(500).default(100),
  repeats: z.coerce.number().int().min(1).max(50).default(5),
});
export type KubeletBenchOptions = z.infer<typeof Options>;

export interface KubeletBenchResult {
  readyMs: { embedded: number[]; podmanKubePlay: number[]; embeddedMedian: number; podmanMedian: number; ratio: number };
  memory: {
    sandboxes: number;
    startupSeconds: number;
    /** MemAvailable before minus after: includes whatever else runs on the machine meanwhile. */
    memAvailableDeltaMiB: number;
    sandboxProcessesPssMiB: number;
    runnerRssDeltaMiB: number;
    enginesRssDeltaMiB: number;
    perSandboxMiB: number;
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function memAvailable(): number {
  const match = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** RSS of the container engine's own processes (the API service), which grow with containers. */
function engineRss(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd[0]?.endsWith('podman') || !cmd.includes('service')) continue;
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // the process ended while being read
    }
  }
  return total;
}

function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  try {
    pids.push(...readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) pids.push(...cgroupPids(join(dir, entry.name)));
  } catch {
    // the cgroup went away while being read
  }
  return pids;
}

/**
 * Proportional set size of every process in the sandbox's cgroup (containers and their
 * monitors): shared pages (the one busybox binary, libraries) are split between their users,
 * so the sum over sandboxes is what they really cost.
 */
function sandboxPss(clusterId: string): number {
  let total = 0;
  for (const pid of cgroupPids(join('/sys/fs/cgroup/pids', sandboxCgroupParent(clusterId)))) {
    try {
      total += Number(/^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // the process ended while being read
    }
  }
  return total;
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

export async function runKubeletBench(input: Partial<KubeletBenchOptions> = {}, log: (line: string) => void = console.log): Promise<KubeletBenchResult> {
  const options = Options.parse(input);
  log(`kubelet bench: ${options.repeats} apply->Ready runs, ${options.sandboxes} sandboxes`);
  const docker = new Dockerode();
  await ensureImages(docker);
  const dir = join(tmpdir(), `kubelab-bench-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  const runId = randomUUID().slice(0, 6);
  const host = createEmbeddedClusterHost({ stateDir: join(dir, 'state'), port: 0, storage: 'memory' });
  await host.start();
  const kubectl = (cluster: EmbeddedCluster, ...args: string[]) =>
    run('kubectl', ['--kubeconfig', join(dir, `${cluster.id}.kubeconfig`), '--cache-dir', join(dir, 'cache', cluster.id), ...args], { timeout: 300_000 });
  const newCluster = async (name: string) => {
    const cluster = await host.createCluster(name);
    writeFileSync(join(dir, `${cluster.id}.kubeconfig`), cluster.kubeconfig());
    return cluster;
  };
  writeFileSync(join(dir, 'counter.yaml'), COUNTER_YAML);
  const created: EmbeddedCluster[] = [];
  try {
    // 1. apply -> Ready, alternating with podman kube play (the same Pod, hostPath moved to a temp dir).
    const latency = await newCluster(`bench-${runId}-latency`);
    created.push(latency);
    await kubectl(latency, 'get', 'pods'); // warm kubectl's discovery cache, as a learner's shell has it
    const embedded: number[] = [];
    const podman: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      let started = performance.now();
      await kubectl(latency, 'apply', '-f', join(dir, 'counter.yaml'));
      await kubectl(latency, 'wait', '--for=condition=Ready', 'pod/counter', '--timeout=120s');
      embedded.push(performance.now() - started);
      await kubectl(latency, 'delete', 'pod', 'counter', '--grace-period=0', '--force');

      const name = `counter-bench-${runId}-${i}`;
      const hostPath = join(dir, `kube-play-${i}`);
      mkdirSync(hostPath, { recursive: true });
      const yaml = COUNTER_YAML.replace('name: counter', `name: ${name}\n  labels: {io.kubelab.bench: "${runId}"}`).replace('path: /var/log/counter', `path: ${hostPath}`)
        // The platform's busybox is tagged only under its own name (it never shadows `busybox`).
        .replaceAll('image: busybox', `image: ${IMAGES.busybox}`);
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      started = performance.now();
      try {
        await run('podman', ['kube', 'play', '--network', 'none', file]);
        for (;;) {
          const { stdout } = await run('podman', ['ps', '-q', '--filter', `pod=${name}`, '--filter', 'status=running']);
          if (stdout.trim().split('\n').filter(Boolean).length === 3) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        podman.push(performance.now() - started);
      } finally {
        // Also after a failed play: it can leave a created pod behind.
        await run('podman', ['kube', 'down', file]).catch(() => undefined);
      }
      log(`run ${i + 1}/${options.repeats}: embedded apply->Ready ${embedded.at(-1)?.toFixed(0)} ms, podman kube play ${podman.at(-1)?.toFixed(0)} ms`);
    }
    const embeddedMedian = median(embedded);
    const podmanMedian = median(podman);
    const readyMs = { embedded, podmanKubePlay: podman, embeddedMedian, podmanMedian, ratio: Math.round((embeddedMedian / podmanMedian) * 100) / 100 };
    log(`apply->Ready median: embedded ${embeddedMedian.toFixed(0)} ms, podman kube play ${podmanMedian.toFixed(0)} ms, ratio ${readyMs.ratio} (goal <= 1.2)`);

    // 2. N sandboxes, each running the counter Pod.
    await host.deleteCluster(latency.id);
    created.length = 0;
    global.gc?.();
    await new Promise((r) => setTimeout(r, 2_000));
    const availableBefore = memAvailable();
    const runnerBefore = process.memoryUsage().rss;
    const engineBefore = engineRss();
    const startedAll = performance.now();
    const ids = Array.from({ length: options.sandboxes }, (_, i) => `bench-${runId}-${i}`);
    await pool(ids, 4, async (id) => {
      const cluster = await newCluster(id);
      created.push(cluster);
      await kubectl(cluster, 'apply', '-f', join(dir, 'counter.yaml'));
    });
    await pool(created, 8, async (cluster) => {
      await kubectl(cluster, 'wait', '--for=condition=Ready', 'pod/counter', '--timeout=300s');
    });
    const startupSeconds = Math.round((performance.now() - startedAll) / 100) / 10;
    log(`${options.sandboxes} sandboxes Ready in ${startupSeconds} s; letting them run 10 s`);
    await new Promise((r) => setTimeout(r, 10_000));
    const sandboxProcesses = created.reduce((sum, c) => sum + sandboxPss(c.id), 0);
    const memory = {
      sandboxes: options.sandboxes,
      startupSeconds,
      memAvailableDeltaMiB: mib(availableBefore - memAvailable()),
      sandboxProcessesPssMiB: mib(sandboxProcesses),
      runnerRssDeltaMiB: mib(process.memoryUsage().rss - runnerBefore),
      enginesRssDeltaMiB: mib(engineRss() - engineBefore),
      perSandboxMiB: 0,
    };
    const attributable = memory.sandboxProcessesPssMiB + Math.max(0, memory.runnerRssDeltaMiB) + Math.max(0, memory.enginesRssDeltaMiB);
    memory.perSandboxMiB = Math.round((attributable / options.sandboxes) * 10) / 10;
    log(
      `memory for ${options.sandboxes} sandboxes: ${mib(attributable * 2 ** 20)} MiB (${memory.perSandboxMiB} MiB each) = ` +
        `containers+monitors PSS ${memory.sandboxProcessesPssMiB} MiB + runner RSS +${memory.runnerRssDeltaMiB} MiB + podman service RSS +${memory.enginesRssDeltaMiB} MiB ` +
        `(machine MemAvailable fell by ${memory.memAvailableDeltaMiB} MiB, other work included)`,
    );
    return { readyMs, memory };
  } finally {
    await pool([...created], 4, async (cluster) => host.deleteCluster(cluster.id));
    await host.stop();
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.bench=${runId}`] } });
    for (const c of leftovers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const result = await runKubeletBench({ ...(flag('sandboxes') ? { sandboxes: flag('sandboxes') as unknown as number } : {}), ...(flag('repeats') ? { repeats: flag('repeats') as unknown as number } : {}) });
  console.log(JSON.stringify(result, null, 2));
}
