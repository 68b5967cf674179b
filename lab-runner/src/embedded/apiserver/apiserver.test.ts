// The API server's behaviour over real sockets, beyond what kubectl exercises: credentials and
// isolation, durability across restarts, watch resume and 410 Gone, graceful deletion and the
// kubelet client, and the write options (dryRun, fieldValidation, deletecollection, patches).

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../k8s-types.js';
import type { NodeRuntime } from '../node-contract.js';
import { createEmbeddedClusterHost } from '../host.js';
import { VirtualCluster } from './cluster.js';
import { createTlsIdentity } from './pki.js';
import { ApiServer } from './server.js';
import { FileStorage, MemoryStorage } from './storage.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

type Target = { socketPath: string } | { port: number; token?: string; ca: string };

function call(target: Target, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string> = {
    accept: 'application/json',
    ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const onRes = (res: import('node:http').IncomingMessage) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) }));
    };
    const req =
      'socketPath' in target
        ? httpRequest({ socketPath: target.socketPath, agent: false, method, path: p, headers: h }, onRes)
        : httpsRequest(
            { host: '127.0.0.1', port: target.port, agent: false, method, path: p, ca: target.ca, headers: { ...h, ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) } },
            onRes,
          );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

type WatchEvent = { type: string; object: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads watch events until `count` arrived (or the stream ends). */
function watch(target: { socketPath: string }, p: string, count: number): Promise<WatchEvent[]> {
  return openWatch(target, p, count).events;
}

/**
 * A watch whose `started` resolves once the server answered the request: the server subscribes
 * before it sends the response head, so every change made after `started` reaches this watch.
 */
function openWatch(target: { socketPath: string }, p: string, count: number): { started: Promise<void>; events: Promise<WatchEvent[]> } {
  let answered: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const events = new Promise<WatchEvent[]>((resolve, reject) => {
    const seen: WatchEvent[] = [];
    const req = httpRequest({ socketPath: target.socketPath, agent: false, path: p, headers: { accept: 'application/json' } }, (res) => {
      answered();
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          seen.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          if (seen.length >= count) {
            req.destroy();
            resolve(seen);
          }
        }
      });
      res.on('end', () => resolve(seen));
    });
    req.on('error', (e) => {
      failed(e);
      if (seen.length < count) reject(e);
    });
    req.end();
  });
  // Awaited only by tests that need it; an error reaches them through `events` as well.
  started.catch(() => undefined);
  return { started, events };
}

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'busybox' }] },
});

const dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kubelab-api-'));
  dirs.push(d);
  return d;
};

describe('credentials and isolation', () => {
  it('selects the cluster by bearer token over TLS, answers 401 otherwise, and serves each cluster on its own socket', async () => {
    const dir = tmp();
    const host = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null, storage: 'memory' });
    await host.start();
    cleanups.push(() => host.stop());
    const a = await host.createCluster('alpha');
    const b = await host.createCluster('beta');
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(a.kubeconfig())?.[1] ?? '', 'base64').toString();

    expect((await call({ port: host.port, ca }, 'GET', '/api/v1/pods')).status).toBe(401);
    const bad = await call({ port: host.port, ca, token: 'nope' }, 'GET', '/version');
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });

    expect((await call({ port: host.port, ca, token: a.token }, 'POST', '/api/v1/namespaces/default/pods', pod('only-in-alpha'))).status).toBe(201);
    const inB = await call({ port: host.port, ca, token: b.token }, 'GET', '/api/v1/namespaces/default/pods/only-in-alpha');
    expect(inB.json()).toMatchObject({ reason: 'NotFound', message: 'pods "only-in-alpha" not found' });
    const viaSocket = await call({ socketPath: a.socketPath }, 'GET', '/api/v1/namespaces/default/pods/only-in-alpha');
    expect(viaSocket.json().metadata.name).toBe('only-in-alpha');
    expect((await call({ socketPath: b.socketPath }, 'GET', '/api/v1/namespaces/default/pods')).json().items).toEqual([]);

    await host.deleteCluster('beta');
    expect(host.getCluster('beta')).toBeUndefined();
    await expect(call({ socketPath: b.socketPath }, 'GET', '/version')).rejects.toThrow();
  });
});

describe('durability', () => {
  it('serves the same objects and resourceVersions after a restart, and resumes watches from before it', async () => {
    const dir = tmp();
    const first = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null });
    await first.start();
    const c = await first.createCluster('keep');
    const created = (await call({ socketPath: c.socketPath }, 'POST', '/api/v1/namespaces/default/pods', pod('durable'))).json();
    const listRv = (await call({ socketPath: c.socketPath }, 'GET', '/api/v1/namespaces/default/pods')).json().metadata.resourceVersion;
    await call({ socketPath: c.socketPath }, 'PATCH', '/api/v1/namespaces/default/pods/durable', { metadata: { labels: { after: 'list' } } }, { 'content-type': 'application/merge-patch+json' });
    await first.stop();

    const second = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null });
    await second.start();
    cleanups.push(() => second.stop());
    const again = second.getCluster('keep');
    expect(again?.token).toBe(c.token);
    const got = (await call({ socketPath: again?.socketPath ?? '' }, 'GET', '/api/v1/namespaces/default/pods/durable')).json();
    expect(got.metadata.uid).toBe(created.metadata.uid);
    expect(Number(got.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const events = await watch({ socketPath: again?.socketPath ?? '' }, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${listRv}`, 1);
    expect(events[0]).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'durable', labels: { after: 'list' } } } });
  });

  it('serves the intact clusters when one cluster\'s state is damaged', async () => {
    const dir = tmp();
    const first = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null });
    await first.start();
    await first.createCluster('good');
    await first.createCluster('bad');
    await first.stop();
    writeFileSync(path.join(dir, 'clusters', 'bad', 'cluster.json'), '{"id": "bad"');
    const second = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null });
    await second.start();
    cleanups.push(() => second.stop());
    expect(second.listClusters().map((c) => c.id)).toEqual(['good']);
    const good = second.getCluster('good');
    expect((await call({ socketPath: good?.socketPath ?? '' }, 'GET', '/api/v1/namespaces')).status).toBe(200);
  });

  it('answers a watch from a compacted resourceVersion with 410 Gone, and keeps working after compaction', async () => {
    const dir = tmp();
    const cluster = new VirtualCluster({ id: 'gone', storage: new FileStorage(path.join(dir, 'store')), history: { limit: 5, compactEvery: 4 } });
    cluster.start();
    const server = new ApiServer(createTlsIdentity());
    server.register(cluster, 'x'.repeat(40));
    const socketPath = path.join(dir, 's.sock');
    await server.listenUnix('gone', socketPath);
    cleanups.push(async () => {
      await server.close();
      cluster.stop();
    });
    for (let i = 0; i < 12; i++) await call({ socketPath }, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `cm${i}` } });
    const events = await watch({ socketPath }, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', 1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(events[0]?.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    const reloaded = new VirtualCluster({ id: 'gone2', storage: new FileStorage(path.join(dir, 'store')) });
    expect(reloaded.store.list('configmaps').map((o) => o.metadata.name)).toContain('cm11');
    expect(reloaded.store.resourceVersion).toBe(cluster.store.resourceVersion);
  });
});

describe('pods and the kubelet client', () => {
  function served() {
    const dir = tmp();
    const cluster = new VirtualCluster({ id: 'k', storage: new MemoryStorage() });
    cluster.start();
    const server = new ApiServer(createTlsIdentity());
    server.register(cluster, 'y'.repeat(40));
    const socketPath = path.join(dir, 'k.sock');
    cleanups.push(async () => {
      await server.close();
      cluster.stop();
    });
    return { cluster, ready: server.listenUnix('k', socketPath).then(() => ({ socketPath })) };
  }

  it('deletes at once without a kubelet, and gracefully with one until the kubelet removes the Pod', async () => {
    const { cluster, ready } = served();
    const t = await ready;
    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('quick'));
    expect((await call(t, 'DELETE', '/api/v1/namespaces/default/pods/quick')).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/namespaces/default/pods/quick')).status).toBe(404);

    cluster.attachRuntime({} as NodeRuntime);
    const client = cluster.kubeletClient();
    const seen: string[] = [];
    const stop = client.watchPods((e) => seen.push(`${e.type}:${e.pod.metadata.name}`));
    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('slow'));
    const deleting = (await call(t, 'DELETE', '/api/v1/namespaces/default/pods/slow', { gracePeriodSeconds: 20 })).json();
    expect(deleting.metadata.deletionGracePeriodSeconds).toBe(20);
    expect(deleting.metadata.deletionTimestamp).toMatch(/Z$/);
    const running = client.getPod('default', 'slow') as Pod;
    expect(await client.updatePodStatus('default', 'slow', 'wrong-uid', { phase: 'Running' })).toBeUndefined();
    await client.recordEvent({ pod: running, type: 'Normal', reason: 'Killing', message: 'Stopping container app' });
    await client.recordEvent({ pod: running, type: 'Normal', reason: 'Killing', message: 'Stopping container app' });
    const events = (await call(t, 'GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dslow,reason%3DKilling`)).json().items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 2, source: { component: 'kubelet', host: 'kubelab-node' }, involvedObject: { uid: running.metadata.uid } });
    await client.removePod('default', 'slow', running.metadata.uid ?? '');
    expect((await call(t, 'GET', '/api/v1/namespaces/default/pods/slow')).status).toBe(404);
    stop();
    expect(seen).toEqual(['ADDED:slow', 'MODIFIED:slow', 'DELETED:slow']);

    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('forced'));
    const forced = await call(t, 'DELETE', '/api/v1/namespaces/default/pods/forced?gracePeriodSeconds=0');
    expect(forced.status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/namespaces/default/pods/forced')).status).toBe(404);
  });

  it('honours dryRun, fieldValidation, deletecollection, patch errors and selector transitions in watches', async () => {
    const { ready } = served();
    const t = await ready;
    const dry = await call(t, 'POST', '/api/v1/namespaces/default/pods?dryRun=All', pod('dry'));
    expect(dry.status).toBe(201);
    // Defaulted as on create, but never scheduled: binding happens to stored Pods only.
    expect(dry.json().spec).toMatchObject({ restartPolicy: 'Always', schedulerName: 'default-scheduler' });
    expect(dry.json().spec.nodeName).toBeUndefined();
    expect((await call(t, 'GET', '/api/v1/namespaces/default/pods/dry')).status).toBe(404);

    const withUnknown = { ...pod('warned'), spec: { ...pod('warned').spec, containerz: [] } };
    const warned = await call(t, 'POST', '/api/v1/namespaces/default/pods?fieldValidation=Warn', withUnknown);
    expect(warned.status).toBe(201);
    expect(warned.headers['warning']).toBe('299 - "unknown field \\"spec.containerz\\""');
    expect(warned.json().spec.containerz).toBeUndefined();
    const strict = await call(t, 'POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', { ...withUnknown, metadata: { name: 'strict' } });
    expect(strict.json()).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containerz"' });
    const wrongType = await call(t, 'POST', '/api/v1/namespaces/default/pods', { ...pod('typed'), spec: { containers: [{ name: 'a', image: 5 }] } });
    expect(wrongType.json().message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string');

    const failedTest = await call(t, 'PATCH', '/api/v1/namespaces/default/pods/warned', [{ op: 'test', path: '/metadata/name', value: 'other' }], { 'content-type': 'application/json-patch+json' });
    expect(failedTest.status).toBe(422);
    const smp = await call(
      t,
      'PATCH',
      '/api/v1/namespaces/default/pods/warned',
      { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(smp.json().spec.containers).toHaveLength(1);
    expect(smp.json().spec.containers[0]).toMatchObject({ name: 'app', image: 'busybox:1.36', imagePullPolicy: 'Always' });

    const watching = openWatch(t, '/api/v1/namespaces/default/pods?watch=true&labelSelector=tier%3Dweb', 3);
    await watching.started;
    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('sel', { tier: 'web' }));
    await call(t, 'PATCH', '/api/v1/namespaces/default/pods/sel', { metadata: { labels: { tier: 'db' } } }, { 'content-type': 'application/merge-patch+json' });
    await call(t, 'PATCH', '/api/v1/namespaces/default/pods/sel', { metadata: { labels: { tier: 'web' } } }, { 'content-type': 'application/merge-patch+json' });
    expect((await watching.events).map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);

    // A client lists, then watches from the list's resourceVersion; changes in between are
    // replayed as the selector saw them at that version: leaving it is DELETED, joining it ADDED.
    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('leaves', { tier: 'web' }));
    await call(t, 'POST', '/api/v1/namespaces/default/pods', pod('joins', { tier: 'db' }));
    const listed = (await call(t, 'GET', '/api/v1/namespaces/default/pods?labelSelector=tier%3Dweb')).json();
    expect(listed.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort()).toEqual(['leaves', 'sel']);
    await call(t, 'PATCH', '/api/v1/namespaces/default/pods/leaves', { metadata: { labels: { tier: 'db' } } }, { 'content-type': 'application/merge-patch+json' });
    await call(t, 'PATCH', '/api/v1/namespaces/default/pods/joins', { metadata: { labels: { tier: 'web' } } }, { 'content-type': 'application/merge-patch+json' });
    const resumed = await watch(t, `/api/v1/namespaces/default/pods?watch=true&labelSelector=tier%3Dweb&resourceVersion=${listed.metadata.resourceVersion}&timeoutSeconds=5`, 2);
    expect(resumed.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['DELETED:leaves', 'ADDED:joins']);

    await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'keep' } });
    await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'drop1', labels: { gone: 'yes' } } });
    await call(t, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'drop2', labels: { gone: 'yes' } } });
    const collection = await call(t, 'DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=gone%3Dyes');
    expect(collection.json().items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['drop1', 'drop2']);
    expect((await call(t, 'GET', '/api/v1/namespaces/default/configmaps')).json().items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['keep']);
    const badSelector = await call(t, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dx');
    expect(badSelector.json()).toMatchObject({ code: 400, message: 'field label not supported: spec.foo' });
  });
});
