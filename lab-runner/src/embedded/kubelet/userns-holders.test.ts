// Sandbox user namespaces from ranges the runner hands out (userns-holders.ts), on the real
// engine with real kubelets: each sandbox's Pods run as its own unprivileged host uid, a
// restarted kubelet takes the same range again, and a sandbox made after the restart gets
// a range no other sandbox holds.

import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Pod } from '../k8s-types.js';
import { userNamespacePool } from './engine-security.js';
import { LABEL, USERNS_HOLDER_ROLE } from './labels.js';
import { docker, execIn, startTestNode, waitReady, type TestNode } from './testing/helpers.js';
import { freeRange, holdUserNamespace, subordinatePool, USERNS_BASE_LABEL, USERNS_SIZE } from './userns-holders.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

describe('the id pool', () => {
  it('is the overlap of the `containers` ranges, handed out from the top down, never the kernel’s -1', () => {
    const pool = subordinatePool('dockremap:1073741824:65536\ncontainers:2147483647:2147483648\n', 'containers:2147483647:2147483648\n');
    expect(pool).toEqual({ start: 2147483647, size: 2147483648 });
    if (!pool) return;
    const top = freeRange(pool, new Set());
    expect(top).toBe(2 ** 32 - 1 - USERNS_SIZE);
    expect((top ?? 0) + USERNS_SIZE).toBeLessThanOrEqual(2 ** 32 - 1);
    expect(freeRange(pool, new Set([top ?? 0]))).toBe((top ?? 0) - USERNS_SIZE);
    expect(subordinatePool('containers:100000:65536\n', 'containers:165536:65536\n')).toBeUndefined();
    expect(subordinatePool('', 'containers:100000:65536\n')).toBeUndefined();
    const small = { start: 100000, size: 2 * USERNS_SIZE };
    expect(freeRange(small, new Set([100000 + USERNS_SIZE, 100000]))).toBeUndefined();
    // Spread: one of the highest free ranges, never a taken one.
    const taken = new Set([top ?? 0, (top ?? 0) - 2 * USERNS_SIZE]);
    const picks = new Set(Array.from({ length: 200 }, () => freeRange(pool, taken, 3)));
    expect([...picks].sort()).toEqual([(top ?? 0) - USERNS_SIZE, (top ?? 0) - 3 * USERNS_SIZE, (top ?? 0) - 4 * USERNS_SIZE].sort());
    expect(freeRange(small, new Set([100000]), 8)).toBe(100000 + USERNS_SIZE);
  });
});

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const node of nodes) await node.cleanup().catch(() => undefined);
});

const rootPod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
});

/** The host uid a Pod's root is, as the kernel says it inside the container. */
async function hostRootOf(node: TestNode, pod: string): Promise<number> {
  const result = await execIn(node, pod, 'c', ['cat', '/proc/self/uid_map']);
  const [inside, outside, size] = result.stdout.trim().split(/\s+/).map(Number);
  expect(inside).toBe(0);
  expect(size).toBe(USERNS_SIZE);
  return outside ?? 0;
}

async function holderBase(clusterId: string): Promise<number[]> {
  const holders = await docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${clusterId}`, `${LABEL.role}=${USERNS_HOLDER_ROLE}`] } });
  return holders.map((c) => Number(c.Labels[USERNS_BASE_LABEL]));
}

describe.runIf(process.env.KUBELAB_USERNS !== 'off')('sandbox ranges', () => {
  it('many sandboxes claimed at the same moment in one runner each get a range of their own', async () => {
    const pool = await userNamespacePool(docker);
    expect(pool, 'this engine should give sandboxes user namespaces').toBeDefined();
    const cluster = `uns-burst-${process.pid}`;
    const owners = Array.from({ length: 30 }, (_, i) => ({ [LABEL.cluster]: cluster, [LABEL.podUid]: `owner-${i}` }));
    try {
      // With every claim taking the highest free range, the n-th of n concurrent claims needed n attempts (at most 20).
      const held = await Promise.all(owners.map((owner) => holdUserNamespace(docker, pool!, owner, { [LABEL.managed]: 'true', [LABEL.role]: USERNS_HOLDER_ROLE })));
      expect(new Set(held.map((h) => h.hostRoot)).size).toBe(owners.length);
    } finally {
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${cluster}`] } });
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    }
  });

  it('two sandboxes, a restart, a third: each keeps its own range, none is handed out twice', async () => {
    const pool = await userNamespacePool(docker);
    expect(pool, 'this engine should give sandboxes user namespaces').toBeDefined();
    // Two sandboxes started at once race for the same free range: the engine's name check decides.
    const [a, b] = await Promise.all([startTestNode(), startTestNode()]);
    nodes.push(a!, b!);
    for (const node of [a!, b!]) node.cluster.createPod(rootPod('root'));
    await Promise.all([waitReady(a!, 'root', 120_000), waitReady(b!, 'root', 120_000)]);
    const [rootA, rootB] = [await hostRootOf(a!, 'root'), await hostRootOf(b!, 'root')];
    expect(rootA).not.toBe(rootB);
    expect(Math.abs(rootA - rootB)).toBeGreaterThanOrEqual(USERNS_SIZE);
    for (const root of [rootA, rootB]) expect(root).toBeGreaterThanOrEqual(2 ** 31 - 1);
    expect(await holderBase(a!.clusterId)).toEqual([rootA]);

    await Promise.all([a!.restartKubelet(), b!.restartKubelet()]);
    const c = await startTestNode();
    nodes.push(c);
    c.cluster.createPod(rootPod('root'));
    // A Pod started after the restart lands in the range its sandbox held before.
    a!.cluster.createPod(rootPod('again'));
    await Promise.all([waitReady(c, 'root', 120_000), waitReady(a!, 'again', 120_000)]);
    expect(await hostRootOf(a!, 'again')).toBe(rootA);
    expect(await hostRootOf(a!, 'root')).toBe(rootA);
    const rootC = await hostRootOf(c, 'root');
    expect([rootA, rootB]).not.toContain(rootC);
    expect(await holderBase(a!.clusterId)).toEqual([rootA]);
    expect(await holderBase(b!.clusterId)).toEqual([rootB]);

    // Every holder on the engine has a range of its own.
    const all = await docker.listContainers({ all: true, filters: { label: [USERNS_BASE_LABEL] } });
    const bases = all.map((h) => h.Labels[USERNS_BASE_LABEL]);
    expect(new Set(bases).size).toBe(bases.length);

    // Removing a sandbox removes its holder too (after the containers that joined it).
    await c.cleanup();
    nodes.pop();
    expect(await holderBase(c.clusterId)).toEqual([]);
  });
});
