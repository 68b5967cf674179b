// The embedded cluster host: many virtual clusters in one process, each an API server
// identity (token + unix socket) plus a kubelet, all state under one directory:
//
//   <stateDir>/pki/                      CA and serving certificate (kept across restarts)
//   <stateDir>/clusters/<id>/cluster.json  id and token
//   <stateDir>/clusters/<id>/store/      objects and change log (see apiserver/storage.ts)
//   <stateDir>/clusters/<id>/node/       the node's filesystem (hostPath volumes)
//   <stateDir>/clusters/<id>/pods/       kubelet data (emptyDirs and the like)
//   <stateDir>/clusters/<id>/api.sock    the cluster's unix socket (or a short path in /tmp
//                                        when this one would exceed the 108-byte limit)

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApiShareLimits } from './apiserver/api-shares.js';
import { VirtualCluster } from './apiserver/cluster.js';
import { loadOrCreateTlsIdentity, type TlsIdentity } from './apiserver/pki.js';
import { ApiServer } from './apiserver/server.js';
import { FileStorage, MemoryStorage } from './apiserver/storage.js';
import type { EmbeddedCluster, EmbeddedClusterHost, EmbeddedClusterHostOptions } from './host-contract.js';
import { createKubelet, NODE_HOST_IP } from './kubelet/index.js';
import type { Kubelet, KubeletFactory } from './node-contract.js';
import { stderrLogger, type Logger } from '../log.js';

export interface ClusterLimits {
  pids: number;
  memoryBytes: number;
  cpus: number;
}

export interface HostOptions extends EmbeddedClusterHostOptions {
  /** Runs each cluster's Pods; the real kubelet by default, `null` for none (API-only clusters). */
  kubeletFactory?: KubeletFactory | null;
  limits?: ClusterLimits;
  /** `memory` keeps objects in memory only (tests, benchmarks); `file` (the default) is durable. */
  storage?: 'file' | 'memory';
  /** Each cluster's share of the API server; DEFAULT_API_SHARES when unset. */
  apiShares?: ApiShareLimits;
  /** Operator log; structured lines on stderr when unset. */
  logger?: Logger;
}

const DEFAULT_LIMITS: ClusterLimits = { pids: 1024, memoryBytes: 2 * 1024 ** 3, cpus: 2 };

const clusterId = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a cluster id is a DNS label: lower-case letters, digits and "-", at most 63 characters');
const clusterFile = z.object({ id: clusterId, token: z.string().min(32), createdAt: z.string() });
const UNIX_PATH_MAX = 100;

class HostError extends Error {
  constructor(
    readonly code: 'HOST_NOT_STARTED' | 'HOST_STOPPED' | 'INVALID_CLUSTER_ID',
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

interface Entry {
  cluster: VirtualCluster;
  kubelet: Kubelet | undefined;
  public: EmbeddedCluster;
  dir: string;
}

class Host implements EmbeddedClusterHost {
  private readonly entries = new Map<string, Entry>();
  private identity: TlsIdentity | undefined;
  private server: ApiServer | undefined;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly limits: ClusterLimits;
  private readonly logger: Logger;
  private readonly kubeletFactory: KubeletFactory | null;

  constructor(private readonly options: HostOptions) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.logger = options.logger ?? stderrLogger({ component: 'cluster-host' });
    this.kubeletFactory = options.kubeletFactory === undefined ? createKubelet : options.kubeletFactory;
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new HostError('HOST_STOPPED', 'this host was stopped; create a new one to serve again');
    mkdirSync(join(this.options.stateDir, 'clusters'), { recursive: true, mode: 0o700 });
    this.identity = loadOrCreateTlsIdentity(join(this.options.stateDir, 'pki'));
    this.server = new ApiServer(this.identity);
    await this.server.listenTls(this.options.port);
    this.state = 'running';
    for (const id of readdirSync(join(this.options.stateDir, 'clusters'))) {
      const file = join(this.options.stateDir, 'clusters', id, 'cluster.json');
      if (!existsSync(file)) continue;
      // One damaged cluster must not keep the others from being served.
      try {
        const saved = clusterFile.parse(JSON.parse(readFileSync(file, 'utf8')));
        await this.open(saved.id, saved.token);
      } catch (err) {
        this.logger.error('cluster_load_failed', { code: 'CLUSTER_LOAD_FAILED', cluster: id, error: err });
      }
    }
  }

  async stop(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    await this.server?.close();
    for (const e of this.entries.values()) {
      await e.kubelet?.stop();
      e.cluster.stop();
    }
    this.entries.clear();
  }

  async createCluster(id: string): Promise<EmbeddedCluster> {
    this.requireRunning();
    const parsed = clusterId.safeParse(id);
    if (!parsed.success) throw new HostError('INVALID_CLUSTER_ID', `invalid cluster id "${id}": ${parsed.error.issues[0]?.message ?? ''}`);
    const existing = this.entries.get(id);
    if (existing) return existing.public;
    const dir = this.clusterDir(id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const token = randomBytes(32).toString('base64url');
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ id, token, createdAt: new Date().toISOString() }), { mode: 0o600 });
    return this.open(id, token);
  }

  getCluster(id: string): EmbeddedCluster | undefined {
    return this.entries.get(id)?.public;
  }

  listClusters(): EmbeddedCluster[] {
    return [...this.entries.values()].map((e) => e.public);
  }

  async deleteCluster(id: string): Promise<void> {
    this.requireRunning();
    const e = this.entries.get(id);
    if (e) {
      this.entries.delete(id);
      await this.server?.unregister(id);
      await e.kubelet?.destroy();
      e.cluster.destroy();
    }
    rmSync(this.clusterDir(id), { recursive: true, force: true });
    rmSync(this.socketPath(id), { force: true });
  }

  private requireRunning(): void {
    if (this.state !== 'running') throw new HostError('HOST_NOT_STARTED', 'the cluster host is not running; call start() first');
  }

  private clusterDir(id: string): string {
    return join(this.options.stateDir, 'clusters', id);
  }

  private socketPath(id: string): string {
    const preferred = join(this.clusterDir(id), 'api.sock');
    if (Buffer.byteLength(preferred) <= UNIX_PATH_MAX) return preferred;
    const digest = createHash('sha256').update(preferred).digest('hex').slice(0, 16);
    const dir = join(os.tmpdir(), 'kubelab-sockets');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return join(dir, `${digest}.sock`);
  }

  private async open(id: string, token: string): Promise<EmbeddedCluster> {
    const server = this.server as ApiServer;
    const dir = this.clusterDir(id);
    const nodeDir = join(dir, 'node');
    const podsDir = join(dir, 'pods');
    mkdirSync(nodeDir, { recursive: true });
    mkdirSync(podsDir, { recursive: true });
    const storage = this.options.storage === 'memory' ? new MemoryStorage() : new FileStorage(join(dir, 'store'));
    const cluster = new VirtualCluster({
      id,
      storage,
      nodeAddress: NODE_HOST_IP,
      capacity: { cpus: this.limits.cpus, memoryBytes: this.limits.memoryBytes, pods: 110 },
      logger: this.logger.child({ cluster: id }),
      ...(this.options.apiShares ? { shares: this.options.apiShares } : {}),
    });
    cluster.start();
    let kubelet: Kubelet | undefined;
    const socketPath = this.socketPath(id);
    try {
      if (this.kubeletFactory) {
        kubelet = this.kubeletFactory({ cluster: cluster.kubeletClient(), nodeDir, podsDir, limits: this.limits });
        cluster.attachRuntime(kubelet);
        await kubelet.start();
      }
      server.register(cluster, token);
      await server.listenUnix(id, socketPath);
    } catch (err) {
      // Leave nothing half-started behind: the caller sees the error, the state stays on disk.
      await server.unregister(id);
      await kubelet?.stop();
      cluster.stop();
      throw err;
    }
    const host = this;
    const ca = (this.identity as TlsIdentity).caCertPem;
    const pub: EmbeddedCluster = {
      id,
      token,
      socketPath,
      nodeDir,
      kubeconfig: () => renderKubeconfig(id, `https://127.0.0.1:${host.port}`, ca, token),
    };
    this.entries.set(id, { cluster, kubelet, public: pub, dir });
    return pub;
  }
}

function renderKubeconfig(id: string, server: string, caPem: string, token: string): string {
  const name = `kubelab-${id}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:',
    `- name: ${name}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    '    namespace: default',
    `current-context: ${name}`,
    '',
  ].join('\n');
}

/** Creates a host; nothing listens until start(). */
export function createEmbeddedClusterHost(options: HostOptions): EmbeddedClusterHost {
  return new Host(options);
}
