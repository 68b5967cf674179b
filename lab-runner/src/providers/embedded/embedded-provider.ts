// The embedded provider: each sandbox is a virtual cluster of the runner's own
// EmbeddedClusterHost plus one toolbox container. Creation is a list of named steps; a
// failure (or an abort) undoes the steps done so far, as kind's cluster creation does.

import type { EmbeddedCluster, EmbeddedClusterHost } from '../../embedded/host-contract.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import {
  ProviderError,
  type CreateOptions,
  type ExecOptions,
  type ExecResult,
  type Provider,
  type SandboxEndpoint,
  type SandboxUsage,
  type TerminalSession,
  type UsageSource,
} from '../provider.js';
import { sandboxCgroupUsage } from '../../embedded/kubelet/sandbox-cgroup.js';
import { readNodeFile, writeNodeFile } from './node-files.js';
import type { SocketRelays } from './socket-relay.js';
import type { Toolboxes } from './toolbox.js';

export interface EmbeddedProviderOptions {
  host: EmbeddedClusterHost;
  toolboxes: Toolboxes;
  relays: SocketRelays;
  logger: Logger;
  /** Only sandboxes whose id starts with this are this runner's (orphan removal never touches others). */
  idPrefix: string;
  /** Makes the toolbox image available (idempotent); runs once at start. */
  ensureImages?: () => Promise<void>;
}

interface Step {
  name: string;
  run(): Promise<void>;
  undo(): Promise<void>;
}

export class EmbeddedProvider implements Provider, UsageSource {
  readonly name = 'embedded' as const;
  private started: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedProviderOptions) {}

  start(): Promise<void> {
    this.started ??= (async () => {
      await this.options.ensureImages?.();
      await this.options.host.start();
      for (const cluster of this.ownClusters()) {
        await this.options.relays.open(cluster.id, cluster.socketPath);
        // Toolboxes of restored clusters may have stopped with the engine; bring them back.
        if (!(await this.options.toolboxes.running(cluster.id).catch(() => false))) {
          await this.options.toolboxes.ensureRunning(cluster.id).catch((error: unknown) =>
            this.options.logger.warn('toolbox_restart_failed', { sandbox: cluster.id, error }),
          );
        }
      }
    })();
    return this.started;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.options.relays.closeAll();
      await this.options.host.stop();
    })();
    return this.stopping;
  }

  async create(id: string, options: CreateOptions = {}): Promise<SandboxEndpoint> {
    const { host, toolboxes, relays } = this.options;
    let cluster: EmbeddedCluster | undefined;
    let relayDir = '';
    const steps: Step[] = [
      {
        name: 'create cluster',
        run: async () => {
          cluster = await host.createCluster(id);
        },
        undo: () => host.deleteCluster(id),
      },
      {
        name: 'open API relay',
        run: async () => {
          relayDir = await relays.open(id, requireCluster(cluster, id).socketPath);
        },
        undo: () => relays.close(id, true),
      },
      {
        name: 'start toolbox',
        run: async () => toolboxes.create(id, { hostPath: relayDir, containerPath: '/run/kubelab' }, options.label ?? id, options.signal),
        undo: () => toolboxes.remove(id),
      },
    ];
    const done: Step[] = [];
    try {
      for (const step of steps) {
        options.signal?.throwIfAborted();
        done.push(step);
        await step.run();
      }
      options.signal?.throwIfAborted();
    } catch (error) {
      for (const step of done.reverse()) {
        await step.undo().catch((undoError: unknown) =>
          this.options.logger.error('provider_rollback_failed', { sandbox: id, step: step.name, error: undoError }),
        );
      }
      if (options.signal?.aborted) throw new ProviderError('aborted', `creation of ${id} was aborted`, { cause: error });
      if (error instanceof ProviderError) throw error;
      throw new ProviderError('create_failed', `${done.at(0)?.name ?? 'create'} failed for ${id}: ${errorMessage(error)}`, { cause: error });
    }
    return endpoint(requireCluster(cluster, id));
  }

  async get(id: string): Promise<SandboxEndpoint | undefined> {
    const cluster = this.options.host.getCluster(id);
    return cluster ? endpoint(cluster) : undefined;
  }

  async list(): Promise<string[]> {
    return this.ownClusters().map((c) => c.id);
  }

  async delete(id: string): Promise<void> {
    // Toolbox first: it holds connections to the cluster's socket open.
    await this.options.toolboxes.remove(id);
    await this.options.relays.close(id, true);
    await this.options.host.deleteCluster(id);
  }

  async exec(id: string, argv: string[], options?: ExecOptions): Promise<ExecResult> {
    this.requireCluster(id);
    return this.options.toolboxes.exec(id, argv, options);
  }

  async logs(id: string, options: { tailLines?: number } = {}): Promise<string> {
    this.requireCluster(id);
    return this.options.toolboxes.logs(id, options.tailLines ?? 200);
  }

  async shell(id: string, size: { cols: number; rows: number }): Promise<TerminalSession> {
    this.requireCluster(id);
    return this.options.toolboxes.shell(id, size);
  }

  async writeNodeFile(id: string, nodePath: string, content: string): Promise<void> {
    await writeNodeFile(this.requireCluster(id).nodeDir, nodePath, content);
  }

  async readNodeFile(id: string, nodePath: string): Promise<string | undefined> {
    return readNodeFile(this.requireCluster(id).nodeDir, nodePath);
  }

  /** The sandbox cgroup's CPU time and memory (every Pod container of the sandbox is created under it). */
  async usage(id: string): Promise<SandboxUsage | undefined> {
    if (!this.options.host.getCluster(id)) return undefined;
    return sandboxCgroupUsage(id);
  }

  async removeOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const removed = new Set<string>();
    for (const cluster of this.ownClusters()) {
      if (keep.has(cluster.id)) continue;
      await this.delete(cluster.id);
      removed.add(cluster.id);
    }
    // Containers whose cluster the host no longer knows (its state was lost mid-create).
    for (const container of await this.options.toolboxes.listManaged()) {
      if (!container.cluster.startsWith(this.options.idPrefix) || keep.has(container.cluster)) continue;
      await this.options.toolboxes.removeContainer(container.id);
      await this.options.relays.close(container.cluster, true);
      removed.add(container.cluster);
    }
    return [...removed];
  }

  private ownClusters(): EmbeddedCluster[] {
    return this.options.host.listClusters().filter((c) => c.id.startsWith(this.options.idPrefix));
  }

  private requireCluster(id: string): EmbeddedCluster {
    const cluster = this.options.host.getCluster(id);
    if (!cluster) throw new ProviderError('not_found', `sandbox ${id} has no cluster`);
    return cluster;
  }
}

function requireCluster(cluster: EmbeddedCluster | undefined, id: string): EmbeddedCluster {
  if (!cluster) throw new ProviderError('create_failed', `cluster ${id} was not created`);
  return cluster;
}

function endpoint(cluster: EmbeddedCluster): SandboxEndpoint {
  return { id: cluster.id, kubeconfig: cluster.kubeconfig() };
}

