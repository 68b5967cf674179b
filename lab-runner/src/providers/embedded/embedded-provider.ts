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
import { USERNS_HOLDER_ROLE } from '../../embedded/kubelet/labels.js';
import { TOOLBOX_USERNS_ROLE, type ManagedContainer, type Toolboxes } from './toolbox.js';

export interface EmbeddedProviderOptions {
  host: EmbeddedClusterHost;
  toolboxes: Toolboxes;
  relays: SocketRelays;
  logger: Logger;
  /** Only sandboxes whose id starts with this are this runner's (orphan removal never touches others). */
  idPrefix: string;
  /** This install's identity (LABEL_INSTALL on every container it makes): orphan removal touches only those. */
  installId: string;
  /** How long after a failed orphan removal it is tried again (default 30 s). */
  orphanRetryMs?: number;
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
  /** Containers an orphan removal could not remove yet, by id, with their sandbox and role. */
  private readonly stuck = new Map<string, ManagedContainer>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EmbeddedProviderOptions) {}

  start(): Promise<void> {
    this.started ??= (async () => {
      await this.options.ensureImages?.();
      await this.options.host.start();
      // Each restored cluster on its own: twenty sandboxes must not wait for one another's engine calls.
      await Promise.all(
        this.ownClusters().map(async (cluster) => {
          await this.options.relays.open(cluster.id, cluster.socketPath);
          // Toolboxes of restored clusters may have stopped with the engine; bring them back.
          if (!(await this.options.toolboxes.running(cluster.id).catch(() => false))) {
            await this.options.toolboxes.ensureRunning(cluster.id).catch((error: unknown) =>
              this.options.logger.warn('toolbox_restart_failed', { sandbox: cluster.id, error }),
            );
          }
        }),
      );
    })();
    return this.started;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.retryTimer);
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

  /**
   * Removes what this install left of sandboxes it no longer keeps: clusters on disk, and
   * containers carrying this install's identity whose sandbox is gone. Containers of other
   * installs are counted and left alone. A container that cannot be removed is logged with
   * its reason and tried again later; this never throws for one container.
   */
  async removeOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const { logger, installId } = this.options;
    const removed = new Set<string>();
    for (const cluster of this.ownClusters()) {
      if (keep.has(cluster.id)) continue;
      try {
        await this.delete(cluster.id);
        removed.add(cluster.id);
      } catch (error) {
        logger.warn('orphan_removal_failed', { sandbox: cluster.id, reason: errorMessage(error) });
      }
    }
    const own = new Set(this.ownClusters().map((c) => c.id));
    const foreign = new Map<string, number>();
    const orphans: ManagedContainer[] = [];
    for (const container of await this.options.toolboxes.listManaged()) {
      if (container.install !== installId) {
        // Another install's, or one made before installs had an identity: never ours to touch.
        if (!own.has(container.cluster)) foreign.set(container.install ?? 'unlabelled', (foreign.get(container.install ?? 'unlabelled') ?? 0) + 1);
        continue;
      }
      // Containers whose cluster the host no longer knows (its state was lost mid-create).
      if (!container.cluster.startsWith(this.options.idPrefix) || keep.has(container.cluster) || own.has(container.cluster)) continue;
      orphans.push(container);
    }
    const count = [...foreign.values()].reduce((a, b) => a + b, 0);
    logger.info('foreign_containers_left_alone', { count, installs: Object.fromEntries(foreign) });
    for (const id of await this.removeInOrder(orphans)) removed.add(id);
    return [...removed];
  }

  /**
   * Removes containers in dependency order: those that join a Pod's infra container's
   * namespaces (and toolboxes) first, then infra containers, then user-namespace holders. A missing container counts as
   * removed. One that fails is kept for a later try; returns the sandboxes now fully removed.
   */
  private async removeInOrder(containers: ManagedContainer[]): Promise<string[]> {
    const { toolboxes, relays, logger } = this.options;
    const failed = new Set<string>();
    // Infra containers after those that join them, user-namespace holders after everything.
    const rank = (c: ManagedContainer) => (c.role === USERNS_HOLDER_ROLE || c.role === TOOLBOX_USERNS_ROLE ? 2 : c.role === 'infra' ? 1 : 0);
    for (const group of [0, 1, 2].map((r) => containers.filter((c) => rank(c) === r))) {
      for (const container of group) {
        try {
          await toolboxes.removeContainer(container.id);
          this.stuck.delete(container.id);
        } catch (error) {
          failed.add(container.cluster);
          this.stuck.set(container.id, container);
          logger.warn('orphan_removal_failed', { sandbox: container.cluster, container: container.id, role: container.role, reason: errorMessage(error) });
        }
      }
    }
    const done: string[] = [];
    for (const cluster of new Set(containers.map((c) => c.cluster))) {
      if (failed.has(cluster)) continue;
      await relays.close(cluster, true).catch((error: unknown) => logger.warn('orphan_relay_cleanup_failed', { sandbox: cluster, reason: errorMessage(error) }));
      done.push(cluster);
    }
    if (this.stuck.size > 0 && !this.stopping) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.removeInOrder([...this.stuck.values()]), this.options.orphanRetryMs ?? 30_000);
      this.retryTimer.unref();
    }
    return done;
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

