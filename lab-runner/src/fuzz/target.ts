// What the fuzzer runs against: a real runner process on loopback with one sandbox (its
// embedded cluster's API server reached over TLS with the sandbox's token), a namespace to
// fuzz in, and a running Pod to exec, attach and port-forward into.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { removeContainers } from '../server/testing/runner-fixture.js';
import { RunnerProcess } from '../server/testing/runner-child.js';
import { FUZZ_NAMESPACE, TARGET_NAMESPACE, TARGET_POD } from './inputs.js';

const ALLOWED_ORIGIN = 'http://localhost:3000';
const EXERCISE = 'first-pod';

export interface ApiEndpoint {
  host: string;
  port: number;
  token: string;
  ca: string;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export class FuzzTarget {
  runner!: RunnerProcess;
  api!: ApiEndpoint;
  sandboxId = '';
  otherSandboxId = '';
  agent!: https.Agent;
  private readonly token = `fuzz-token-${randomUUID()}`;
  private readonly prefix = `z${randomUUID().slice(0, 6)}-`;
  private stateDir = '';

  static async start(): Promise<FuzzTarget> {
    const target = new FuzzTarget();
    target.stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-fuzz-'));
    try {
      await target.setUp();
    } catch (error) {
      // Nothing of a target that never came up stays behind.
      await target.stop().catch(() => undefined);
      throw error;
    }
    return target;
  }

  private async setUp(): Promise<void> {
    await this.startRunner();
    const created = await this.runner.api('POST', '/v1/sandboxes', { owner: 'fuzzer', exercise: EXERCISE });
    if (created.status !== 201) throw new Error(`sandbox create answered ${created.status}: ${created.text}`);
    this.sandboxId = created.json.id as string;
    // A second sandbox, so a ticket for one can be tried on the other.
    const other = await this.runner.api('POST', '/v1/sandboxes', { owner: 'fuzzer-other', exercise: EXERCISE });
    if (other.status !== 201) throw new Error(`sandbox create answered ${other.status}: ${other.text}`);
    this.otherSandboxId = other.json.id as string;
    await this.connect();
    await this.prepareCluster();
  }

  private async startRunner(): Promise<void> {
    this.runner = await RunnerProcess.start({
      token: this.token,
      stateDir: this.stateDir,
      prefix: this.prefix,
      env: { RUNNER_ALLOWED_ORIGINS: ALLOWED_ORIGIN, RUNNER_SHUTDOWN_DRAIN_MS: '2000' },
    });
  }

  /** After a crash: a new runner process on the same state (the sandbox comes back with it). */
  async restart(): Promise<void> {
    await this.runner.kill();
    this.agent?.destroy();
    await this.startRunner();
    await this.connect();
    await this.prepareCluster();
  }

  private async connect(): Promise<void> {
    const reply = await this.runner.api('GET', `/v1/sandboxes/${this.sandboxId}/kubeconfig`);
    if (reply.status !== 200) throw new Error(`kubeconfig answered ${reply.status}: ${reply.text}`);
    const config = parseYaml(reply.text) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const cluster = config.clusters[0]!.cluster;
    const url = new URL(cluster.server);
    this.api = {
      host: url.hostname,
      port: Number(url.port),
      token: config.users[0]!.user.token,
      ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    };
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: this.api.ca });
  }

  /**
   * The fuzzer's own requests (set-up, sweeps, the liveness probe), sent as client-go sends
   * them: a 429 from the sandbox's rate share is waited out for its Retry-After and sent again,
   * within `timeoutMs` in all. The inputs themselves go through `request` and are judged as
   * they come back.
   */
  async asClient(method: string, requestPath: string, headers: Record<string, string>, body?: Buffer, timeoutMs = 20_000): Promise<ApiAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.request(method, requestPath, headers, body, Math.max(1_000, deadline - Date.now()));
      const wait = Number(answer.headers['retry-after'] ?? 1) * 1000;
      if (answer.status !== 429 || Date.now() + wait >= deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Sends one request to the API server; resolves with the whole answer (bodies of streams cut off after `streamMs`). */
  request(method: string, requestPath: string, headers: Record<string, string>, body?: Buffer, timeoutMs = 20_000, streamMs = 300): Promise<ApiAnswer> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: this.api.host,
          port: this.api.port,
          method,
          path: requestPath,
          agent: this.agent,
          headers: { authorization: `Bearer ${this.api.token}`, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const streaming = res.headers['transfer-encoding'] === 'chunked' && res.statusCode === 200;
          // A watch or a log follow stays open: read what comes for a moment, then hang up.
          const cut = streaming ? setTimeout(() => finish(true), streamMs) : undefined;
          const finish = (cutOff: boolean) => {
            clearTimeout(timer);
            clearTimeout(cut);
            if (cutOff) req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          };
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= 4 * 1024 * 1024) chunks.push(chunk);
          });
          res.on('end', () => finish(false));
          res.on('error', () => finish(false));
          res.on('aborted', () => finish(false));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }

  /** The namespace to fuzz in and the Pod to stream into: (re)created whenever an input removed them. */
  async prepareCluster(): Promise<void> {
    for (const ns of [FUZZ_NAMESPACE, TARGET_NAMESPACE]) {
      const got = await this.asClient('GET', `/api/v1/namespaces/${ns}`, {});
      const phase = got.status === 200 ? (JSON.parse(got.body.toString()) as { status?: { phase?: string } }).status?.phase : undefined;
      if (phase === 'Terminating') {
        // An input deleted it: let it finish (Pods with finalizers would hold it forever).
        await this.sweep(ns);
        await this.until(async () => (await this.asClient('GET', `/api/v1/namespaces/${ns}`, {})).status === 404, `namespace ${ns} to go`);
      }
      if (got.status === 404 || phase === 'Terminating') {
        const made = await this.asClient('POST', '/api/v1/namespaces', { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ metadata: { name: ns } })));
        if (made.status !== 201 && made.status !== 409) throw new Error(`namespace ${ns}: ${made.status} ${made.body}`);
      }
    }
    const podPath = `/api/v1/namespaces/${TARGET_NAMESPACE}/pods/${TARGET_POD}`;
    const running = async () => {
      const got = await this.asClient('GET', podPath, {});
      if (got.status !== 200) return false;
      const pod = JSON.parse(got.body.toString()) as { status?: { phase?: string; containerStatuses?: { ready?: boolean }[] }; metadata?: { deletionTimestamp?: string } };
      return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp && (pod.status.containerStatuses ?? []).every((c) => c.ready);
    };
    if (await running()) return;
    const current = await this.asClient('GET', podPath, {});
    if (current.status === 200) {
      await this.asClient('DELETE', `${podPath}?gracePeriodSeconds=0`, {});
      await this.until(async () => (await this.asClient('GET', podPath, {})).status === 404, 'the target Pod to go');
    }
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: TARGET_POD },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [
          { name: 'c', image: 'busybox', command: ['sh', '-c', 'echo ready; exec sleep 1000000'], stdin: true, tty: true },
          { name: 'side', image: 'busybox', command: ['sleep', '1000000'] },
        ],
      },
    };
    const made = await this.asClient('POST', `/api/v1/namespaces/${TARGET_NAMESPACE}/pods`, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(pod)));
    if (made.status !== 201) throw new Error(`target Pod: ${made.status} ${made.body}`);
    await this.until(running, 'the target Pod to run', 120_000);
  }

  /** Removes the fuzzer's Pods (most never ran: they are parked on a node that does not exist). */
  async sweep(namespace = FUZZ_NAMESPACE): Promise<void> {
    const listed = await this.asClient('GET', `/api/v1/namespaces/${namespace}/pods`, {});
    if (listed.status === 200) {
      const pods = (JSON.parse(listed.body.toString()) as { items: { metadata: { name: string; finalizers?: string[] } }[] }).items;
      for (const pod of pods.filter((p) => (p.metadata.finalizers ?? []).length > 0)) {
        const body = Buffer.from(JSON.stringify({ metadata: { finalizers: null } }));
        await this.asClient('PATCH', `/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(pod.metadata.name)}`, { 'content-type': 'application/merge-patch+json' }, body);
      }
    }
    await this.asClient('DELETE', `/api/v1/namespaces/${namespace}/pods?gracePeriodSeconds=0`, {});
  }

  async until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.agent?.destroy();
    if (this.runner) {
      await this.runner.api('DELETE', `/v1/sandboxes/${this.sandboxId}`).catch(() => undefined);
      await this.runner.api('DELETE', `/v1/sandboxes/${this.otherSandboxId}`).catch(() => undefined);
      await this.runner.stop();
    }
    await removeContainers(this.prefix);
    if (this.stateDir) await rm(this.stateDir, { recursive: true, force: true });
  }
}
