// API server benchmark (API only, no kubelet), in one run on this machine:
//  1. get / list / apply latency (p50, p95) over HTTPS with a bearer token, as a client library sees it;
//  2. the same three through real kubectl (process start included, warm discovery cache);
//  3. watch fan-out: N virtual clusters in one process, a watch on each (over the cluster's unix
//     socket, as a sandbox's toolbox connects), one write per cluster, and the delay from each
//     write to its watcher's event; plus one cluster with N watchers. Clients run in the same
//     process as the server, so their decoding time is included;
//  4. the process's memory with N clusters.
// Usage: tsx lab-runner/bench/apiserver.ts [--clusters 100] [--requests 300] [--kubectl 15]

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { z } from 'zod';
import { kubectlPath } from '../src/embedded/apiserver/compat/testing/kubectl.js';
import type { EmbeddedCluster } from '../src/embedded/host-contract.js';
import { createEmbeddedClusterHost } from '../src/embedded/host.js';

const run = promisify(execFile);

const Options = z.object({
  clusters: z.coerce.number().int().min(1).max(1000).default(100),
  requests: z.coerce.number().int().min(10).max(100_000).default(300),
  kubectl: z.coerce.number().int().min(0).max(1000).default(15),
});
export type ApiserverBenchOptions = z.infer<typeof Options>;

export interface Latency {
  p50: number;
  p95: number;
  n: number;
}

export interface ApiserverBenchResult {
  http: { get: Latency; list: Latency; apply: Latency };
  kubectl?: { get: Latency; list: Latency; apply: Latency };
  watchFanOut: { clusters: number; perClusterWatch: Latency & { max: number }; oneClusterWatchers: Latency & { max: number } };
  rssMiB: number;
}

function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), n: s.length };
}

interface Client {
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: string }>;
  watch(path: string, onEvent: (line: string) => void): () => void;
}

function client(cluster: EmbeddedCluster, port: number): Client {
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(cluster.kubeconfig())?.[1] ?? '', 'base64').toString();
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ca });
  const headers = { authorization: `Bearer ${cluster.token}`, accept: 'application/json' };
  return {
    call(method, path, body, contentType = 'application/json') {
      const data = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(data ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) } : {}) } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
      });
    },
    watch(path, onEvent) {
      const req = request({ host: '127.0.0.1', port, path, agent: new Agent({ ca }), headers }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            onEvent(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
          }
        });
      });
      req.on('error', () => {});
      req.end();
      return () => req.destroy();
    },
  };
}

/** A watch over the cluster's unix socket (plain HTTP), the way a sandbox's toolbox connects. */
function socketWatch(cluster: EmbeddedCluster, path: string, onEvent: (line: string) => void): () => void {
  const req = httpRequest({ socketPath: cluster.socketPath, path, agent: false, headers: { accept: 'application/json' } }, (res) => {
    let buf = '';
    res.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onEvent(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

const pod = (name: string, image = 'busybox:1.36') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name } },
  spec: { containers: [{ name: 'app', image }] },
});

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

export async function runApiserverBench(input: Partial<ApiserverBenchOptions> = {}, log: (line: string) => void = console.log): Promise<ApiserverBenchResult> {
  const opts = Options.parse(input);
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-bench-api-'));
  const host = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null });
  try {
    await host.start();
    const clusters: EmbeddedCluster[] = [];
    for (let i = 0; i < opts.clusters; i++) clusters.push(await host.createCluster(`bench-${i}`));
    const first = clusters[0] as EmbeddedCluster;
    const c = client(first, host.port);

    // 1. HTTP
    for (let i = 0; i < 50; i++) await c.call('POST', '/api/v1/namespaces/default/pods', pod(`p${i}`));
    const get = await timed(opts.requests, async () => void (await c.call('GET', '/api/v1/namespaces/default/pods/p1')));
    const list = await timed(opts.requests, async () => void (await c.call('GET', '/api/v1/namespaces/default/pods?limit=500')));
    const apply = await timed(opts.requests, async (i) => {
      const r = await c.call(
        'PATCH',
        '/api/v1/namespaces/default/pods/p2?fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
        { metadata: { labels: { rev: String(i) } }, spec: { containers: [{ name: 'app', image: i % 2 ? 'busybox:1.35' : 'busybox:1.36' }] } },
        'application/strategic-merge-patch+json',
      );
      if (r.status !== 200) throw new Error(`apply failed: ${r.status} ${r.body}`);
    });
    const http = { get: latency(get), list: latency(list), apply: latency(apply) };
    log(`http  get   p50 ${http.get.p50} ms  p95 ${http.get.p95} ms  (n=${http.get.n})`);
    log(`http  list  p50 ${http.list.p50} ms  p95 ${http.list.p95} ms  (50 pods, n=${http.list.n})`);
    log(`http  apply p50 ${http.apply.p50} ms  p95 ${http.apply.p95} ms  (strategic merge patch, n=${http.apply.n})`);

    // 2. kubectl
    let kubectl: ApiserverBenchResult['kubectl'];
    if (opts.kubectl > 0) {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, first.kubeconfig());
      const bin = kubectlPath('1.33');
      const k = (...args: string[]) => run(bin, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args]);
      await k('get', 'pods');
      const manifest = join(dir, 'pod.yaml');
      const kget = await timed(opts.kubectl, async () => void (await k('get', 'pod', 'p1')));
      const klist = await timed(opts.kubectl, async () => void (await k('get', 'pods')));
      const kapply = await timed(opts.kubectl, async (i) => {
        writeFileSync(manifest, JSON.stringify(pod('applied', i % 2 ? 'busybox:1.35' : 'busybox:1.36')));
        await k('apply', '-f', manifest);
      });
      kubectl = { get: latency(kget), list: latency(klist), apply: latency(kapply) };
      log(`kubectl get   p50 ${kubectl.get.p50} ms  p95 ${kubectl.get.p95} ms  (kubectl 1.33, n=${kubectl.get.n})`);
      log(`kubectl list  p50 ${kubectl.list.p50} ms  p95 ${kubectl.list.p95} ms`);
      log(`kubectl apply p50 ${kubectl.apply.p50} ms  p95 ${kubectl.apply.p95} ms`);
    }

    // 3. Watch fan-out across clusters: one watch per cluster, one write per cluster.
    const clients = clusters.map((cl) => client(cl, host.port));
    const sentAt = new Map<string, number>();
    const delays: number[] = [];
    let pending = clusters.length;
    let allSeen: () => void = () => {};
    const seen = new Promise<void>((resolve) => (allSeen = resolve));
    const stops = clusters.map((cl) =>
      socketWatch(cl, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0', (line) => {
        const e = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
        const t0 = sentAt.get(e.object.metadata.name);
        if (e.type !== 'ADDED' || t0 === undefined) return;
        delays.push(performance.now() - t0);
        if (--pending === 0) allSeen();
      }),
    );
    // Warm every client's keep-alive TLS connection so handshakes are not counted.
    await Promise.all(clients.map((cl) => cl.call('GET', '/version')));
    await new Promise((r) => setTimeout(r, 500));
    // One write per cluster, one after the other, while all N watches stay open.
    for (const [i, cl] of clients.entries()) {
      sentAt.set(`fan-${i}`, performance.now());
      await cl.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `fan-${i}` }, data: { n: String(i) } });
    }
    await Promise.race([seen, new Promise((r) => setTimeout(r, 30_000))]);
    for (const s of stops) s();
    const perCluster = { ...latency(delays), max: Number(Math.max(...delays).toFixed(2)) };
    log(`watch fan-out: ${clusters.length} clusters, one watch each (unix socket), one write each (HTTPS, in turn), write -> event: p50 ${perCluster.p50} ms  p95 ${perCluster.p95} ms  max ${perCluster.max} ms  (${delays.length}/${clusters.length} delivered)`);

    // One cluster, N watchers, one write.
    const oneDelays: number[] = [];
    let oneStart = 0;
    let onePending = clusters.length;
    let oneDone: () => void = () => {};
    const oneSeen = new Promise<void>((resolve) => (oneDone = resolve));
    const oneStops = clusters.map(() =>
      socketWatch(first, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0', (line) => {
        const e = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
        if (e.object.metadata.name !== 'broadcast') return;
        oneDelays.push(performance.now() - oneStart);
        if (--onePending === 0) oneDone();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    oneStart = performance.now();
    await c.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'broadcast' } });
    await Promise.race([oneSeen, new Promise((r) => setTimeout(r, 30_000))]);
    for (const s of oneStops) s();
    const oneCluster = { ...latency(oneDelays), max: Number(Math.max(...oneDelays).toFixed(2)) };
    log(`watch fan-out: 1 cluster, ${clusters.length} watchers (unix socket), one write, write -> event: p50 ${oneCluster.p50} ms  p95 ${oneCluster.p95} ms  max ${oneCluster.max} ms`);

    const rssMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    log(`memory: ${rssMiB} MiB RSS with ${clusters.length} clusters (benchmark process, API only)`);
    return { http, kubectl, watchFanOut: { clusters: clusters.length, perClusterWatch: perCluster, oneClusterWatchers: oneCluster }, rssMiB };
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { clusters: { type: 'string' }, requests: { type: 'string' }, kubectl: { type: 'string' } } });
  runApiserverBench(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)))
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
