// The sandbox's API shares in isolation: quota wording, byte accounting in the store, the
// request bucket, and watch/stream slots. The attacks through real kubectl are in
// src/isolation/exhaustion-attacks.test.ts.

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../k8s-types.js';
import { StatusError } from '../status-error.js';
import { ApiShares, DEFAULT_API_SHARES, formatBytes } from './api-shares.js';
import { VirtualCluster } from './cluster.js';
import { MemoryStorage } from './storage.js';
import { ObjectStore, storedSize } from './store.js';

const configMap = (name: string, size = 1): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: 'x'.repeat(size) } }) as KubeObject;

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('object and byte quota', () => {
  it('refuses the create past the count with the ResourceQuota admission\'s words, internal writes pass', () => {
    const cluster = new VirtualCluster({ id: 'q1', storage: new MemoryStorage(), shares: { ...DEFAULT_API_SHARES, objectsPerKind: 3 } });
    cluster.start();
    for (const name of ['a', 'b', 'c']) cluster.create('configmaps', 'default', configMap(name), { fieldManager: 'kubectl' });
    const e = refusal(() => cluster.create('configmaps', 'default', configMap('d'), { fieldManager: 'kubectl', dryRun: true }));
    expect(e.toStatus()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps "d" is forbidden: exceeded quota: sandbox-quota, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3',
      details: { name: 'd', kind: 'configmaps' },
    });
    // The control plane's own writes are not the learner's and are never refused.
    cluster.create('configmaps', 'default', configMap('d'), { fieldManager: 'kube-controller-manager', internal: true });
    const quota = cluster.sandboxQuota() as unknown as { status: { used: Record<string, string>; hard: Record<string, string> } };
    expect(quota.status.used['count/configmaps']).toBe('4');
    expect(quota.status.hard['count/configmaps']).toBe('3');
    cluster.stop();
  });

  it('counts stored bytes across creates, updates and deletes, and refuses growth past the share', () => {
    const cluster = new VirtualCluster({ id: 'q2', storage: new MemoryStorage(), shares: { ...DEFAULT_API_SHARES, storedBytes: 64 * 1024 } });
    cluster.start();
    const base = cluster.store.storedBytes;
    const created = cluster.create('configmaps', 'default', configMap('big', 40 * 1024), { fieldManager: 'kubectl' });
    expect(cluster.store.storedBytes - base).toBe(storedSize(created));
    const e = refusal(() => cluster.create('configmaps', 'default', configMap('big2', 40 * 1024), { fieldManager: 'kubectl' }));
    expect(e.message).toMatch(/^configmaps "big2" is forbidden: exceeded quota: sandbox-quota, requested: kubelab\.io\/stored-bytes=\d+, used: kubelab\.io\/stored-bytes=\d+, limited: kubelab\.io\/stored-bytes=64Ki$/);
    // Shrinking is always allowed, and frees the share.
    const smaller = { ...created, data: { k: 'small' } } as KubeObject;
    cluster.update('configmaps', 'default', 'big', smaller, { fieldManager: 'kubectl' });
    cluster.create('configmaps', 'default', configMap('big2', 40 * 1024), { fieldManager: 'kubectl' });
    cluster.delete('configmaps', 'default', 'big2');
    cluster.delete('configmaps', 'default', 'big');
    expect(cluster.store.storedBytes).toBe(base);
    cluster.stop();
  });

  it('bounds the watch history by bytes, so rewriting one big object cannot fill memory', () => {
    const store = new ObjectStore(new MemoryStorage(), { limit: 4000, compactEvery: 2000, maxBytes: 100 * 1024 });
    let o = store.create('configmaps', configMap('x', 30 * 1024));
    for (let i = 0; i < 20; i++) o = store.update('configmaps', { ...o, data: { k: String.fromCharCode(97 + i).repeat(30 * 1024) } } as KubeObject);
    // Only the last few changes are retained: an older start point is 410 Gone.
    expect(() => store.watch({ resource: 'configmaps', onChange: () => undefined }, 1)).toThrow(/too old resource version/);
    const seen: number[] = [];
    store.watch({ resource: 'configmaps', onChange: (c) => seen.push(c.rv) }, store.resourceVersion - 2);
    expect(seen).toEqual([store.resourceVersion - 1, store.resourceVersion]);
  });

  it('formats byte quantities as Kubernetes prints them', () => {
    expect([formatBytes(3 * 1024 * 1024), formatBytes(64 * 1024), formatBytes(1000), formatBytes(2 * 1024 ** 3)]).toEqual(['3Mi', '64Ki', '1000', '2Gi']);
  });
});

describe('request rate, watches and streams', () => {
  it('admits a burst, then asks to retry after the refill time', () => {
    const shares = new ApiShares({ ...DEFAULT_API_SHARES, requestsPerSecond: 10, burst: 5 });
    const t = Date.now() + 1000;
    const answers = Array.from({ length: 7 }, () => shares.admitRequest(t));
    expect(answers).toEqual([undefined, undefined, undefined, undefined, undefined, 1, 1]);
    // A tenth of a second later one more request is admitted (10 per second).
    expect(shares.admitRequest(t + 100)).toBeUndefined();
    expect(shares.admitRequest(t + 100)).toBe(1);
  });

  it('holds watch and stream slots until released, and release is safe twice', () => {
    const shares = new ApiShares({ ...DEFAULT_API_SHARES, watches: 2, streams: 1 });
    const w1 = shares.openWatch();
    shares.openWatch();
    const e = refusal(() => shares.openWatch());
    expect(e.toStatus()).toMatchObject({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    expect(e.message).toBe('Too many requests: this sandbox already has 2 open watches, the most it may hold (stop a "kubectl get -w" or another watch first)');
    w1();
    w1();
    expect(shares.watchesOpen).toBe(1);
    const s = shares.openStream('exec');
    expect(refusal(() => shares.openStream('attach')).message).toBe(
      'Too many requests: cannot attach: this sandbox already has 1 open exec, attach and port-forward sessions, the most it may hold (end one first)',
    );
    s();
    shares.openStream('portforward');
    expect(shares.streamsOpen).toBe(1);
  });
});
