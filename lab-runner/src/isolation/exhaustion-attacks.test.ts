// Resource exhaustion attacks by a hostile learner, through real kubectl against the real
// embedded cluster on real Podman. Each attack runs in one sandbox (the attacker) and must
// (1) be stopped by its share with the answer Kubernetes gives, and (2) leave a neighbour
// sandbox on the same runner working meanwhile: a new Pod gets Running and `kubectl get`
// answers quickly. Shares are set small here so each attack hits its limit in seconds and
// the suite stays bounded in time and disk (docs/security/shares.md has the defaults).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiShareLimits } from '../embedded/apiserver/api-shares.js';
import type { EmbeddedCluster, EmbeddedClusterHost } from '../embedded/host-contract.js';
import { createEmbeddedClusterHost } from '../embedded/host.js';
import type { DiskShares } from '../embedded/kubelet/eviction.js';
import { createKubeletWith } from '../embedded/kubelet/index.js';
import { LABEL } from '../embedded/kubelet/labels.js';
import { pidsCurrentPath } from '../embedded/kubelet/sandbox-cgroup.js';
import { engineContainers, waitFor } from '../embedded/kubelet/testing/helpers.js';

vi.setConfig({ testTimeout: 150_000 });

const execFileAsync = promisify(execFile);
const docker = new Dockerode();
const MiB = 1024 * 1024;

// The request-rate share gets a host of its own (see its test): with a small rate here, the
// earlier floods drained the attacker's bucket and on a slow machine the rate share answered
// before the cap a later test was about (watches, streams).
const API: ApiShareLimits = { objectsPerKind: 40, storedBytes: 3 * MiB, maxBodyBytes: 1 * MiB, watches: 4, streams: 3, requestsPerSecond: 10_000, burst: 10_000 };
const RATE = { requestsPerSecond: 5, burst: 60 };
const DISK: DiskShares = { emptyDirBytes: 8 * MiB, writableLayerBytes: 16 * MiB, nodeDirBytes: 16 * MiB, containerLogBytes: 1 * MiB, inodes: 3000, intervalMs: 1000 };
const LIMITS = { pids: 128, memoryBytes: 192 * MiB, cpus: 1 };

let dir: string;
let host: EmbeddedClusterHost;
let attacker: EmbeddedCluster;
let neighbour: EmbeddedCluster;
const procs: ChildProcess[] = [];

interface Run { code: number; stdout: string; stderr: string }

async function kubectl(cluster: EmbeddedCluster, args: string[], input?: string): Promise<Run> {
  const kubeconfig = join(dir, `${cluster.id}.kubeconfig`);
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, `cache-${cluster.id}`), ...args], { timeout: 90_000, maxBuffer: 32 * MiB }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const sh = (script: string) => ['sh', '-c', script];

function podYaml(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec } });
}

async function apply(cluster: EmbeddedCluster, manifest: string): Promise<void> {
  const result = await kubectl(cluster, ['apply', '-f', '-'], manifest);
  expect(result.stderr).toBe('');
}

async function podJson(cluster: EmbeddedCluster, name: string): Promise<{ status?: Record<string, unknown> & { phase?: string; reason?: string; message?: string } }> {
  const result = await kubectl(cluster, ['get', 'pod', name, '-o', 'json']);
  return JSON.parse(result.stdout || '{}');
}

async function waitRunning(cluster: EmbeddedCluster, name: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${name} Running`, async () => (await podJson(cluster, name)).status?.phase === 'Running', timeoutMs);
}

let neighbourPods = 0;
/** The neighbour still works: a new Pod gets Running, and `kubectl get` answers within seconds. */
async function neighbourWorks(): Promise<void> {
  const name = `n${++neighbourPods}`;
  await apply(neighbour, podYaml(name, { containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600') }] }));
  await waitRunning(neighbour, name);
  const started = Date.now();
  const get = await kubectl(neighbour, ['get', 'pods']);
  expect(get.code).toBe(0);
  expect(get.stdout).toMatch(new RegExp(`${name}\\s+1/1\\s+Running`));
  expect(Date.now() - started).toBeLessThan(10_000);
  await kubectl(neighbour, ['delete', 'pod', name, '--grace-period=0', '--force', '--wait=false']);
}

/** The Pod is evicted with exactly `message`, and an Evicted event says the same. */
async function expectEvicted(name: string, message: string): Promise<void> {
  const status = await waitFor(`${name} evicted`, async () => {
    const s = (await podJson(attacker, name)).status;
    return s?.phase === 'Failed' && s;
  }, 60_000);
  expect(status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message });
  const events = await kubectl(attacker, ['get', 'events', '--field-selector', `involvedObject.name=${name},reason=Evicted`, '-o', 'jsonpath={.items[*].message}']);
  expect(events.stdout).toBe(message);
}

/** What a client of the sandbox's API on the TLS listener sends: its token, trusting its CA. */
function clientOptions(cluster: EmbeddedCluster) {
  const ca = /certificate-authority-data: (\S+)/.exec(cluster.kubeconfig())?.[1] ?? '';
  return { headers: { Authorization: `Bearer ${cluster.token}` }, ca: Buffer.from(ca, 'base64') };
}

/** The sandbox's API server address, from its kubeconfig. */
function serverOf(cluster: EmbeddedCluster): string {
  const server = /server: (\S+)/.exec(cluster.kubeconfig())?.[1];
  if (!server) throw new Error(`no server in ${cluster.id}'s kubeconfig`);
  return server;
}

function apiRequest(cluster: EmbeddedCluster, path: string, agent?: Agent): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, serverOf(cluster)), { ...clientOptions(cluster), ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw watch on the attacker's Pods, held open until closed; resolves once the server answered. */
function openWatch(cluster: EmbeddedCluster): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/v1/namespaces/default/pods?watch=true', serverOf(cluster)), clientOptions(cluster), (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-exhaustion-'));
  host = createEmbeddedClusterHost({
    stateDir: join(dir, 'state'),
    port: 0,
    storage: 'memory',
    limits: LIMITS,
    apiShares: API,
    kubeletFactory: createKubeletWith({ docker, disk: DISK }),
  });
  await host.start();
  const run = randomUUID().slice(0, 6);
  attacker = await host.createCluster(`xa-${run}`);
  neighbour = await host.createCluster(`xn-${run}`);
  for (const cluster of [attacker, neighbour]) await writeFile(join(dir, `${cluster.id}.kubeconfig`), cluster.kubeconfig());
});

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  for (const cluster of [attacker, neighbour]) if (cluster) await host.deleteCluster(cluster.id);
  await host?.stop();
  if (attacker) expect(await engineContainers(attacker.id)).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

describe('compute: pids and memory hold for the whole sandbox', () => {
  it('a fork bomb stays within the sandbox pids limit', async () => {
    // restartPolicy Never: the bomb's shell dies of it, and its log says why.
    await apply(attacker, podYaml('forkbomb', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: sh('echo started; while true; do sleep 600 & done') }] }));
    await waitFor('the bomb out of pids', async () => (await kubectl(attacker, ['logs', 'forkbomb'])).stdout.includes("can't fork"), 120_000);
    expect(Number(readFileSync(pidsCurrentPath(attacker.id), 'utf8'))).toBeLessThanOrEqual(LIMITS.pids);
    await neighbourWorks();
    await kubectl(attacker, ['delete', 'pod', 'forkbomb', '--grace-period=0', '--force']);
  });

  it('a memory bomb is killed at the sandbox memory limit', { timeout: 300_000 }, async () => {
    // A string doubling until the sandbox's memory is gone.
    await apply(attacker, podYaml('membomb', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['awk', 'BEGIN { s = "x"; while (1) s = s s }'] }] }));
    const terminated = await waitFor('the bomb killed', async () => {
      const statuses = (await podJson(attacker, 'membomb')).status?.['containerStatuses'] as { state?: { terminated?: { reason?: string; exitCode?: number } } }[] | undefined;
      return statuses?.[0]?.state?.terminated;
    }, 200_000);
    // Killed by the kernel (SIGKILL) at the sandbox's limit, which never gave more than it holds.
    expect(terminated).toMatchObject({ exitCode: 137 });
    const level = dirname(pidsCurrentPath(attacker.id)).replace('/pids/', '/memory/');
    expect(Number(readFileSync(join(level, 'memory.failcnt'), 'utf8'))).toBeGreaterThan(0);
    expect(Number(readFileSync(join(level, 'memory.max_usage_in_bytes'), 'utf8'))).toBeLessThanOrEqual(LIMITS.memoryBytes);
    await neighbourWorks();
    await kubectl(attacker, ['delete', 'pod', 'membomb', '--grace-period=0', '--force']);
  });
});

describe('disk: writes past a limit get the Pod evicted in the kubelet\'s words', () => {
  it('a disk bomb in an emptyDir passes its sizeLimit', async () => {
    await apply(attacker, podYaml('dirbomb', {
      volumes: [{ name: 'data', emptyDir: { sizeLimit: '2Mi' } }],
      containers: [{ name: 'c', image: 'busybox', command: sh('dd if=/dev/zero of=/data/f bs=1M count=6; sleep 3600'), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    }));
    await expectEvicted('dirbomb', 'Usage of EmptyDir volume "data" exceeds the limit "2Mi". ');
    await neighbourWorks();
  });

  it('a disk bomb in the writable layer passes the container default, and a limit set on the Pod', async () => {
    await apply(attacker, podYaml('layerbomb', { containers: [{ name: 'c', image: 'busybox', command: sh('dd if=/dev/zero of=/tmp/f bs=1M count=24; sleep 3600') }] }));
    await apply(attacker, podYaml('podbomb', {
      containers: [{ name: 'c', image: 'busybox', resources: { limits: { 'ephemeral-storage': '2Mi' } }, command: sh('dd if=/dev/zero of=/tmp/f bs=1M count=6; sleep 3600') }],
    }));
    await expectEvicted('layerbomb', 'Container c exceeded its local ephemeral storage limit "16Mi". ');
    await expectEvicted('podbomb', 'Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ');
    // The kubelet's container GC removes an evicted Pod's containers: the layer's disk is given back.
    await waitFor('layerbomb containers removed', async () => (await docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${attacker.id}`, `${LABEL.podName}=layerbomb`] } })).length === 0);
    await neighbourWorks();
  });

  it('a disk bomb in a hostPath passes the node directory share', async () => {
    await apply(attacker, podYaml('hostbomb', {
      volumes: [{ name: 'node', hostPath: { path: '/var/bomb', type: 'DirectoryOrCreate' } }],
      containers: [{ name: 'c', image: 'busybox', command: sh('dd if=/dev/zero of=/node/f bs=1M count=24; sleep 3600'), volumeMounts: [{ name: 'node', mountPath: '/node' }] }],
    }));
    const status = await waitFor('hostbomb evicted', async () => {
      const s = (await podJson(attacker, 'hostbomb')).status;
      return s?.phase === 'Failed' && s;
    }, 60_000);
    expect(status).toMatchObject({ reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 16Mi, available: 0. ' });
    await neighbourWorks();
    // The learner frees the node directory the way they filled it; then the node is usable again.
    await kubectl(attacker, ['delete', 'pod', 'hostbomb', '--grace-period=0', '--force']);
    await rm(join(attacker.nodeDir, 'var', 'bomb', 'f'), { force: true });
  });

  it('an inode bomb of tiny files passes the inode share', async () => {
    await apply(attacker, podYaml('inodebomb', {
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [{ name: 'c', image: 'busybox', command: sh('mkdir -p /data/d; cd /data/d; i=0; while [ $i -lt 4000 ]; do : > f$i; i=$((i+1)); done; sleep 3600'), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    }));
    await expectEvicted('inodebomb', 'The node was low on resource: inodes. Threshold quantity: 3000, available: 0. ');
    await neighbourWorks();
  });

  it('a log flood is rotated by the engine: the log on disk stays small and kubectl logs still works', async () => {
    await apply(attacker, podYaml('logflood', { containers: [{ name: 'c', image: 'busybox', command: sh('i=0; while true; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done') }] }));
    await waitRunning(attacker, 'logflood');
    const [container] = await docker.listContainers({ filters: { label: [`${LABEL.cluster}=${attacker.id}`, `${LABEL.podName}=logflood`, `${LABEL.container}=c`] } });
    const logPath = (await docker.getContainer(container?.Id ?? '').inspect()).LogPath;
    // Far more than the rotation size has been written once the line numbers pass 100000 (~7 MB).
    await waitFor('the flood well past the rotation size', async () => {
      const tail = await kubectl(attacker, ['logs', 'logflood', '--tail=1']);
      return Number(/line (\d+)/.exec(tail.stdout)?.[1] ?? 0) > 100_000;
    }, 90_000);
    expect(statSync(logPath).size).toBeLessThanOrEqual(DISK.containerLogBytes + 64 * 1024);
    expect((await podJson(attacker, 'logflood')).status?.phase).toBe('Running');
    await neighbourWorks();
    await kubectl(attacker, ['delete', 'pod', 'logflood', '--grace-period=0', '--force']);
  });
});

describe('API: objects, bytes, bodies, watches, streams and request rate', () => {
  it('huge exec output streams through to the client, whole, while the neighbour works', async () => {
    await apply(attacker, podYaml('execer', { containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600') }] }));
    await waitRunning(attacker, 'execer');
    const kubeconfig = join(dir, `${attacker.id}.kubeconfig`);
    const bytes = 8 * MiB;
    const counting = execFileAsync('sh', ['-c', `kubectl --kubeconfig ${kubeconfig} exec execer -- head -c ${bytes} /dev/zero | wc -c`], { timeout: 140_000 });
    await neighbourWorks();
    expect(Number((await counting).stdout.trim())).toBe(bytes);
  });

  it('an object flood is refused at the quota with the ResourceQuota admission\'s 403, and the quota is visible', async () => {
    const items = Array.from({ length: API.objectsPerKind + 5 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(2, '0')}` }, data: { k: 'v' } }));
    const flood = await kubectl(attacker, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const limit = API.objectsPerKind;
    expect(flood.stderr).toContain(
      `Error from server (Forbidden): error when creating "STDIN": configmaps "cm-${limit}" is forbidden: exceeded quota: sandbox-quota, requested: count/configmaps=1, used: count/configmaps=${limit}, limited: count/configmaps=${limit}`,
    );
    expect((await kubectl(attacker, ['get', 'configmaps', '-o', 'name'])).stdout.trim().split('\n')).toHaveLength(limit);
    const quota = JSON.parse((await kubectl(attacker, ['get', 'resourcequota', 'sandbox-quota', '-o', 'json'])).stdout);
    expect(quota.status.used['count/configmaps']).toBe(String(limit));
    expect(quota.status.hard['count/configmaps']).toBe(String(limit));
    const described = await kubectl(attacker, ['describe', 'quota', 'sandbox-quota']);
    expect(described.stdout).toMatch(new RegExp(`count/configmaps\\s+${limit}\\s+${limit}`));
    await neighbourWorks();
    expect((await kubectl(attacker, ['delete', 'configmaps', '--all'])).code).toBe(0);
  });

  it('a huge request body gets 413, and big objects stop at the stored-bytes quota', async () => {
    const big = (name: string, size: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: 'x'.repeat(size) } });
    const huge = await kubectl(attacker, ['create', '-f', '-'], big('huge', 2 * MiB));
    expect(huge.stderr).toContain(`Error from server (RequestEntityTooLarge): error when creating "STDIN": Request entity too large: limit is ${API.maxBodyBytes}`);
    for (const name of ['b1', 'b2', 'b3']) expect((await kubectl(attacker, ['create', '-f', '-'], big(name, 900 * 1024))).code).toBe(0);
    const refused = await kubectl(attacker, ['create', '-f', '-'], big('b4', 900 * 1024));
    expect(refused.stderr).toMatch(/configmaps "b4" is forbidden: exceeded quota: sandbox-quota, requested: kubelab\.io\/stored-bytes=\d+, used: kubelab\.io\/stored-bytes=\d+, limited: kubelab\.io\/stored-bytes=3Mi/);
    await neighbourWorks();
    await kubectl(attacker, ['delete', 'configmaps', 'b1', 'b2', 'b3']);
  });

  it('a watch flood gets 429 past the sandbox\'s watches, and a slot frees when a watch ends', async () => {
    // Held open on the wire, so the test knows each one was admitted (200) before the next.
    const held = [];
    for (let i = 0; i < API.watches; i++) {
      const watch = await openWatch(attacker);
      expect(watch.status).toBe(200);
      held.push(watch);
    }
    const extra = await kubectl(attacker, ['get', 'pods', '-w']);
    expect(extra.code).not.toBe(0);
    expect(extra.stderr).toContain(`Error from server (TooManyRequests): Too many requests: this sandbox already has ${API.watches} open watches, the most it may hold`);
    await neighbourWorks();
    held.shift()?.close();
    await waitFor('the slot freed', async () => {
      const watch = await openWatch(attacker);
      watch.close();
      return watch.status === 200;
    });
    for (const w of held) w.close();
  });

  it('many concurrent execs get 429 past the sandbox\'s streams', async () => {
    const kubeconfig = join(dir, `${attacker.id}.kubeconfig`);
    // Sessions running now: their `sleep 120` processes in the sandbox's cgroup.
    const sleepers = async () => {
      const { stdout } = await execFileAsync('sh', ['-c', `cat $(find ${dirname(pidsCurrentPath(attacker.id))} -name cgroup.procs) | while read p; do tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null; echo; done`]);
      return stdout.split('\n').filter((line) => line.trim() === 'sleep 120').length;
    };
    const sessions: ChildProcess[] = [];
    for (let i = 0; i < API.streams; i++) {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'exec', 'execer', '--', 'sleep', '120'], { stdio: 'ignore' });
      procs.push(child);
      sessions.push(child);
      await waitFor(`exec session ${i + 1} running`, async () => (await sleepers()) === i + 1, 60_000);
    }
    const extra = await kubectl(attacker, ['exec', 'execer', '--', 'true']);
    expect(extra.code).not.toBe(0);
    expect(extra.stderr).toContain(`Too many requests: cannot exec: this sandbox already has ${API.streams} open exec, attach and port-forward sessions`);
    await neighbourWorks();
    for (const s of sessions) s.kill('SIGKILL');
    await waitFor('streams released', async () => (await kubectl(attacker, ['exec', 'execer', '--', 'true'])).code === 0, 60_000);
  });

  describe('on a host with a small request-rate share', () => {
    let rateHost: EmbeddedClusterHost;
    let flooder: EmbeddedCluster;
    let bystander: EmbeddedCluster;

    beforeAll(async () => {
      rateHost = createEmbeddedClusterHost({ stateDir: join(dir, 'rate-state'), port: 0, storage: 'memory', limits: LIMITS, apiShares: { ...API, ...RATE }, kubeletFactory: createKubeletWith({ docker, disk: DISK }) });
      await rateHost.start();
      const run = randomUUID().slice(0, 6);
      flooder = await rateHost.createCluster(`xr-${run}`);
      bystander = await rateHost.createCluster(`xb-${run}`);
      await writeFile(join(dir, `${flooder.id}.kubeconfig`), flooder.kubeconfig());
    });

    afterAll(async () => {
      for (const cluster of [flooder, bystander]) if (cluster) await rateHost.deleteCluster(cluster.id);
      await rateHost?.stop();
    });

    it('a request flood past the rate share gets API Priority and Fairness\' 429 with Retry-After', async () => {
      // One connection, one request after another: far faster than the bucket refills.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let refused: Awaited<ReturnType<typeof apiRequest>> | undefined;
      for (let i = 0; i < RATE.burst * 4 && !refused; i++) {
        const answer = await apiRequest(flooder, '/api/v1/namespaces/default/pods', agent);
        if (answer.status === 429) refused = answer;
        else expect(answer.status).toBe(200);
      }
      agent.destroy();
      expect(refused).toMatchObject({ body: 'Too many requests, please try again later.\n' });
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The neighbour's budget is its own.
      expect((await apiRequest(bystander, '/api/v1/namespaces/default/pods')).status).toBe(200);
      await neighbourWorks();
      // kubectl (client-go) honours Retry-After: it waits and gets its answer.
      expect((await kubectl(flooder, ['get', 'pods'])).code).toBe(0);
    });
  });
});
