// The isolation suite's link, rename, FIFO and device attacks against the kind provider's node
// files (node-files.ts), through the kind stand-in on the Docker Engine: root in a real Pod of
// the sandbox's cluster plants them in a hostPath directory, and a Pod swaps a directory for a
// link in a tight loop while the runner reads and writes through it. Nothing may be read from
// or written to outside the node's root (a marker directory beside it on the node, the node's
// own kubeconfig, the node's `/`), no call may block, and a check's read of a planted link is
// refused. The stand-in's node root is a host directory, so the test looks at it directly.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeClients } from '../../checks/kube-clients.js';
import { nodeFile } from '../../checks/kinds/node-file.js';
import { waitFor } from '../../embedded/kubelet/testing/helpers.js';
import { silentLogger } from '../../log.js';
import type { ProviderError } from '../provider.js';
import { createKindProvider } from './index.js';
import type { KindProvider } from './kind-provider.js';
import { KIND_LABEL_CLUSTER, NODE_ROOT_LABEL, nodeName } from './kind-labels.js';
import { STANDIN_KIND, suiteTarget } from './testing/suite-target.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const run = promisify(execFile);
const { socket, skipReason } = await suiteTarget();
const prefix = `ka${randomUUID().slice(0, 6)}-`;
const id = `${prefix}1`;
const docker = new Dockerode({ socketPath: socket });
let stateDir: string;
let standinDir: string;
let provider: KindProvider;
let kubeconfig: string;
/** The node's hostPath root (a host directory for the stand-in). */
let root: string;
/** Beside the root on the node, where no attack may reach. */
let outside: string;
let nodeKubeconfig: string;
let nodeKubeconfigBefore: string;

async function kubectl(...args: string[]): Promise<string> {
  return (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 120_000 })).stdout;
}

/** Root in a busybox Pod with the node's /plant as a hostPath volume. */
async function plantingPod(name: string, script: string): Promise<void> {
  const file = path.join(stateDir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'plant', hostPath: { path: '/plant', type: 'DirectoryOrCreate' } }],
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script], volumeMounts: [{ name: 'plant', mountPath: '/plant' }] }],
      },
    }),
  );
  expect(await kubectl('apply', '-f', file)).toBe(`pod/${name} created\n`);
}

/** What a call took; a call that hangs fails the test by its own timeout long before the suite's. */
async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; value: T | Error }> {
  const started = Date.now();
  const value = await call().catch((error: unknown) => error as Error);
  return { ms: Date.now() - started, value };
}

/** Files named written-* beneath `dir`, found without following a link. */
function writtenBeneath(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return writtenBeneath(path.join(dir, entry.name));
    return entry.isFile() && entry.name.startsWith('written-') ? [path.join(dir, entry.name)] : [];
  });
}

/** Nothing beside the root changed, and the node's `/` got no file of ours. */
async function nothingEscaped(): Promise<void> {
  expect(readdirSync(outside)).toEqual(['secret']);
  expect(readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('node secret\n');
  expect(readFileSync(nodeKubeconfig, 'utf8')).toBe(nodeKubeconfigBefore);
  const exec = await docker.getContainer(nodeName(id)).exec({ Cmd: ['ls', '-A', '/'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise((resolve) => stream.on('data', (c: Buffer) => chunks.push(c)).on('end', resolve));
  const listing = Buffer.concat(chunks).toString('latin1');
  expect(listing).not.toMatch(/escaped|written-/);
}

beforeAll(async () => {
  if (skipReason) return;
  stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-attacks-'));
  standinDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-attacks-nodes-'));
  provider = createKindProvider(
    { stateDir, dockerSocketPath: socket, toolbox: { memoryBytes: 256 << 20, pids: 256, cpus: 1 }, idPrefix: prefix, kindPath: STANDIN_KIND, kindEnv: { KIND_STANDIN_STATE_DIR: standinDir } },
    silentLogger,
  );
  await provider.start();
  const endpoint = await provider.create(id);
  kubeconfig = path.join(stateDir, 'kubeconfig');
  writeFileSync(kubeconfig, endpoint.kubeconfig);
  root = (await docker.getContainer(nodeName(id)).inspect()).Config.Labels[NODE_ROOT_LABEL] as string;
  // The node's own state directory holds the root and, beside it, what no Pod may reach.
  outside = path.join(standinDir, id, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret'), 'node secret\n');
  nodeKubeconfig = path.join(standinDir, id, 'node-kubeconfig');
  nodeKubeconfigBefore = readFileSync(nodeKubeconfig, 'utf8');
  await plantingPod(
    'planter',
    [
      'ln -s / /plant/root',
      `ln -s ${outside} /plant/out`,
      `ln -s ${nodeKubeconfig} /plant/kubeconfig`,
      'ln -s ../../../../../../../../../../../.. /plant/climb',
      'echo inside > /plant/real.txt && ln -s real.txt /plant/inside-link',
      'mkfifo /plant/fifo',
      '{ mknod /plant/null c 1 3 && echo created || echo refused; } > /plant/mknod 2>&1',
      'touch /plant/ready',
    ].join('; '),
  );
  await waitFor('the planted links', () => existsSync(path.join(root, 'plant/ready')), 120_000).catch(async (error: unknown) => {
    // Why the Pod did not run is in the node's kubelet log.
    console.log(((await docker.getContainer(nodeName(id)).logs({ stdout: true, stderr: true, tail: 20 })) as Buffer).toString('latin1'));
    throw error;
  });
});

afterAll(async () => {
  if (skipReason) return;
  await provider?.removeOrphans(new Set());
  await rm(stateDir, { recursive: true, force: true });
  await rm(standinDir, { recursive: true, force: true });
});

describe.skipIf(skipReason)('kind node files against root in a Pod (kind stand-in on the Docker Engine)', () => {
  it('never reads through a planted link: to /, to beside the root, to the node\'s own kubeconfig, climbing, or one that stays inside', async () => {
    for (const p of ['/plant/root/etc/passwd', '/plant/out/secret', '/plant/kubeconfig', '/plant/climb/etc/passwd', `/plant/climb${outside}/secret`, '/plant/inside-link']) {
      expect(await provider.readNodeFile(id, p), p).toBeUndefined();
    }
    expect(await provider.readNodeFile(id, '/plant/real.txt')).toBe('inside\n');
    // The check engine's view of the link that stays inside: refused, reported as absent.
    const ctx = { clients: {} as KubeClients, readNodeFile: (p: string) => provider.readNodeFile(id, p) };
    const check = await nodeFile({ path: '/plant/inside-link', exists: true }, ctx);
    expect(check).toMatchObject({ passed: false, observed: { en: '/plant/inside-link does not exist on the node' } });
    expect((await nodeFile({ path: '/plant/real.txt', exists: true, match: '^inside$' }, ctx)).passed).toBe(true);
  });

  it('never writes or makes a directory through a planted link', async () => {
    const refusals: (Error | undefined)[] = [];
    for (const p of ['/plant/root/escaped', '/plant/out/escaped-dir/f', '/plant/out/escaped', '/plant/kubeconfig', '/plant/climb/escaped', '/plant/inside-link']) {
      refusals.push(await provider.writeNodeFile(id, p, 'learner wins\n').then(() => undefined, (error: unknown) => error as Error));
    }
    // Refused before tar reads its input: more than the connection buffers is still a refusal.
    refusals.push(await provider.writeNodeFile(id, '/plant/out/escaped', 'x'.repeat(8 << 20)).then(() => undefined, (error: unknown) => error as Error));
    await nothingEscaped();
    expect(readFileSync(path.join(root, 'plant/real.txt'), 'utf8')).toBe('inside\n');
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: 'not_found', message: expect.stringMatching(/goes through a symbolic link or leaves the node's root/) });
    // Directories a write needs are still made, beneath the root.
    await provider.writeNodeFile(id, '/plant/made/deeper/f.txt', 'made\n');
    expect(readFileSync(path.join(root, 'plant/made/deeper/f.txt'), 'utf8')).toBe('made\n');
    expect(await provider.readNodeFile(id, '/plant/made/deeper/f.txt')).toBe('made\n');
    await nothingEscaped();
  });

  it('neither blocks on nor reads a FIFO or a device node', async () => {
    const fifoRead = await timed(() => provider.readNodeFile(id, '/plant/fifo'));
    expect(fifoRead.value).toBeUndefined();
    const fifoWrite = await timed(() => provider.writeNodeFile(id, '/plant/fifo', 'x'));
    expect(fifoWrite.value).toMatchObject({ code: 'not_found', message: expect.stringMatching(/not a regular file/) });
    expect(Math.max(fifoRead.ms, fifoWrite.ms)).toBeLessThan(10_000);
    // Root in a Pod on the remapped engine may not make device nodes; where it could, the node file is refused too.
    const mknod = readFileSync(path.join(root, 'plant/mknod'), 'utf8');
    console.log(`[kind-path-attacks] mknod in the Pod: ${mknod.trim().split('\n').at(-1)}`);
    if (existsSync(path.join(root, 'plant/null'))) expect(await provider.readNodeFile(id, '/plant/null')).toBeUndefined();
    else expect(mknod).toMatch(/refused/);
  });

  it('stays inside while a Pod swaps directories for links (to beside the root, and to /) in a tight loop', async () => {
    // A directory our write made where the loop's directory was missing for a moment is moved
    // aside, so that the loop keeps swapping the directory that holds the secret. (Made in the
    // moment before the loop renames its kept directory back, ours is replaced, and a write in
    // it is refused as removed.)
    const swap = (d: string, target: string) =>
      `cd /plant/race && mkdir ${d} && echo inside > ${d}/secret; n=0; while :; do mv ${d} ${d}-kept; ln -s ${target} ${d}; rm ${d}; ` +
      `if [ -d ${d} ] && [ ! -L ${d} ]; then n=$((n+1)); mv ${d} ${d}-made-$n; fi; mv ${d}-kept ${d}; done`;
    await plantingPod('swapper', `mkdir /plant/race; (${swap('d', outside)}) & (${swap('e', '/')}) & touch /plant/race-started; wait`);
    await waitFor('the swapping loops', () => existsSync(path.join(root, 'plant/race-started')), 120_000);
    const outcomes = { read: 0, refused: 0, written: 0, writeRefused: 0 };
    const otherReads: unknown[] = [];
    const writeErrors: Error[] = [];
    let slowest = 0;
    const deadline = Date.now() + 60_000;
    for (let i = 0; (i < 60 || outcomes.read === 0 || outcomes.refused === 0) && Date.now() < deadline; i++) {
      const calls = await Promise.all([
        timed(() => provider.readNodeFile(id, '/plant/race/d/secret')),
        timed(() => provider.writeNodeFile(id, `/plant/race/d/written-${i}`, 'runner\n')),
        timed(() => provider.writeNodeFile(id, `/plant/race/e/written-${i}`, 'runner\n')),
      ]);
      slowest = Math.max(slowest, ...calls.map((c) => c.ms));
      const [read, ...writes] = calls.map((c) => c.value);
      if (read === undefined) outcomes.refused++;
      else if (read === 'inside\n') outcomes.read++;
      else otherReads.push(read);
      for (const write of writes) {
        if (write instanceof Error) {
          writeErrors.push(write);
          outcomes.writeRefused++;
        } else outcomes.written++;
      }
    }
    const refusals: Record<string, number> = {};
    for (const error of writeErrors) {
      const kind = /symbolic link|removed while|not a regular file/.exec(error.message)?.[0] ?? 'other';
      refusals[kind] = (refusals[kind] ?? 0) + 1;
    }
    console.log(`[kind-path-attacks] under the swapping loops: ${JSON.stringify(outcomes)}, write refusals ${JSON.stringify(refusals)}, slowest call ${slowest} ms`);
    expect(otherReads).toEqual([]);
    expect(outcomes.read + outcomes.refused).toBeGreaterThanOrEqual(20);
    await kubectl('delete', 'pod', 'swapper', '--grace-period=0', '--force');
    await waitFor('the swapping loops to stop', async () => {
      const left = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.pod-name=swapper', `${KIND_LABEL_CLUSTER}=${id}`] } });
      return left.length === 0;
    }, 120_000);
    // Every write that succeeded landed in the raced directories beneath the root.
    await nothingEscaped();
    expect(writtenBeneath(path.join(root, 'plant/race'))).toHaveLength(outcomes.written);
    // Every refusal is one of ours, never an engine failure (listed whole, so a failure says which).
    expect(writeErrors.filter((error) => !((error as ProviderError).code === 'not_found' && /symbolic link or leaves|not a regular file|removed while/.test(error.message))).map(String)).toEqual([]);
  });
});
