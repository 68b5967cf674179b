// The kind provider: each sandbox is a kind cluster of its own plus a toolbox container on
// the cluster's network. kind's CLI creates and deletes clusters and loads the course's images
// into them; everything else (finding clusters again, the toolbox, node files) goes through
// the engine's Docker API. State lives in kind's container labels, so a restarted runner finds
// its clusters again. Creation is a list of named steps, undone in reverse on failure or abort.

import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { kubeClients } from '../../checks/kube-clients.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Toolboxes, ToolboxLimits } from '../embedded/toolbox.js';
import {
  ProviderError,
  type CreateOptions,
  type ExecOptions,
  type ExecResult,
  type Provider,
  type SandboxEndpoint,
  type TerminalSession,
} from '../provider.js';
import { saveImageArchive } from './image-archive.js';
import type { KindCli } from './kind-cli.js';
import { KIND_LABEL_CLUSTER, KIND_LABEL_ROLE, NODE_ROOT_LABEL, nodeName } from './kind-labels.js';
import { createKindToolbox } from './kind-toolbox.js';
import { readNodeFile, writeNodeFile } from './node-files.js';

export interface KindProviderOptions {
  docker: Dockerode;
  kind: KindCli;
  /** Exec, shell, logs and removal of toolboxes (shared with the embedded provider). */
  toolboxes: Toolboxes;
  toolboxImage: string;
  toolboxLimits: ToolboxLimits;
  /** Labels on every toolbox, including this install's identity. */
  labels: Record<string, string>;
  installId: string;
  /** Only clusters whose name starts with this are this runner's (kind's nodes carry no install label). */
  idPrefix: string;
  /** Kubeconfigs and the image archive live here. */
  stateDir: string;
  /** kind's --image; unset: kind's default node image. */
  nodeImage?: string;
  /** How long a new node may take to report Ready (default 120 s). */
  nodeReadyTimeoutMs?: number;
  /** The images Pods of the course run, loaded into every cluster. */
  courseImages: readonly string[];
  /** Makes the platform's images available (idempotent); runs once at start. */
  ensureImages?: () => Promise<void>;
  logger: Logger;
}

interface Step {
  name: string;
  run(): Promise<void>;
  undo(): Promise<void>;
}

export class KindProvider implements Provider {
  readonly name = 'kind' as const;
  private started: Promise<void> | undefined;
  private readonly kubeconfigs = new Map<string, string>();

  constructor(private readonly options: KindProviderOptions) {}

  private get archive(): string {
    return path.join(this.options.stateDir, 'course-images.tar');
  }

  private kubeconfigPath(id: string): string {
    return path.join(this.options.stateDir, 'kubeconfigs', id);
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      const { docker, kind } = this.options;
      await docker.ping().catch((error: unknown) => {
        throw new ProviderError('engine_failed', `no Docker Engine answers for the kind provider: ${errorMessage(error)}`, { cause: error });
      });
      kind.binary();
      await this.options.ensureImages?.();
      await saveImageArchive(docker, this.options.courseImages, this.archive);
      // Clusters from before a restart: bring back what stopped with the engine.
      for (const id of await this.list()) {
        const stopped = await docker.listContainers({ all: true, filters: { label: [`${KIND_LABEL_CLUSTER}=${id}`, `${KIND_LABEL_ROLE}`], status: ['exited', 'created'] } });
        // A network holder (the stand-in's) before the nodes that join it, the nodes before their load balancer.
        const order = (c: Dockerode.ContainerInfo) => ({ network: 0, 'control-plane': 1 } as Record<string, number>)[c.Labels[KIND_LABEL_ROLE] ?? ''] ?? 2;
        for (const container of stopped.sort((a, b) => order(a) - order(b))) await docker.getContainer(container.Id).start().catch((error: unknown) => this.options.logger.warn('kind_node_restart_failed', { sandbox: id, error }));
        if (stopped.length > 0) {
          await this.waitForReady(id, await this.kubeconfig(id)).catch((error: unknown) => this.options.logger.warn('kind_node_not_ready_after_restart', { sandbox: id, error }));
        }
        if (!(await this.options.toolboxes.running(id).catch(() => false))) {
          await this.options.toolboxes.ensureRunning(id).catch((error: unknown) => this.options.logger.warn('toolbox_restart_failed', { sandbox: id, error }));
        }
      }
    })();
    return this.started;
  }

  async stop(): Promise<void> {
    // Nothing runs in this process between calls: clusters and toolboxes keep running.
    this.kubeconfigs.clear();
  }

  async create(id: string, options: CreateOptions = {}): Promise<SandboxEndpoint> {
    const { kind, docker } = this.options;
    const signal = options.signal;
    let kubeconfig = '';
    const steps: Step[] = [
      {
        name: 'create cluster',
        run: async () => {
          await mkdir(path.dirname(this.kubeconfigPath(id)), { recursive: true, mode: 0o700 });
          await kind.createCluster(id, { ...(this.options.nodeImage ? { image: this.options.nodeImage } : {}), kubeconfigPath: this.kubeconfigPath(id), ...(signal ? { signal } : {}) });
          kubeconfig = await this.kubeconfig(id);
        },
        undo: () => this.removeCluster(id),
      },
      { name: 'wait for the node to be Ready', run: () => this.waitForReady(id, kubeconfig, signal), undo: async () => undefined },
      { name: 'load the course images', run: () => kind.loadImageArchive(id, this.archive), undo: async () => undefined },
      {
        name: 'start toolbox',
        run: async () => {
          const node = await docker.getContainer(nodeName(id)).inspect();
          await createKindToolbox(docker, {
            id,
            label: options.label ?? id,
            image: this.options.toolboxImage,
            limits: this.options.toolboxLimits,
            labels: this.options.labels,
            nodeNetwork: node.HostConfig.NetworkMode ?? '',
            kubeconfig: await kind.kubeconfig(id, true),
          });
          await this.waitForToolbox(id, signal);
        },
        undo: () => this.options.toolboxes.remove(id),
      },
    ];
    const done: Step[] = [];
    try {
      for (const step of steps) {
        signal?.throwIfAborted();
        done.push(step);
        await step.run();
      }
      signal?.throwIfAborted();
    } catch (error) {
      for (const step of done.reverse()) {
        await step.undo().catch((undoError: unknown) => this.options.logger.error('provider_rollback_failed', { sandbox: id, step: step.name, error: undoError }));
      }
      if (signal?.aborted) throw new ProviderError('aborted', `creation of ${id} was aborted`, { cause: error });
      if (error instanceof ProviderError) throw error;
      throw new ProviderError('create_failed', `${done.at(-1)?.name ?? 'create'} failed for ${id}: ${errorMessage(error)}`, { cause: error });
    }
    return { id, kubeconfig };
  }

  async get(id: string): Promise<SandboxEndpoint | undefined> {
    if (!(await this.holds(id))) return undefined;
    return { id, kubeconfig: await this.kubeconfig(id) };
  }

  /** Clusters whose control-plane node exists, found by kind's labels. */
  async list(): Promise<string[]> {
    const nodes = await this.options.docker.listContainers({ all: true, filters: { label: [`${KIND_LABEL_ROLE}=control-plane`] } });
    const ids = nodes.map((n) => n.Labels[KIND_LABEL_CLUSTER] ?? '').filter((id) => id.startsWith(this.options.idPrefix));
    return [...new Set(ids)].sort();
  }

  async delete(id: string): Promise<void> {
    await this.options.toolboxes.remove(id);
    await this.removeCluster(id);
  }

  async exec(id: string, argv: string[], options?: ExecOptions): Promise<ExecResult> {
    await this.requireCluster(id);
    return this.options.toolboxes.exec(id, argv, options);
  }

  async logs(id: string, options: { tailLines?: number } = {}): Promise<string> {
    await this.requireCluster(id);
    return this.options.toolboxes.logs(id, options.tailLines ?? 200);
  }

  async shell(id: string, size: { cols: number; rows: number }): Promise<TerminalSession> {
    await this.requireCluster(id);
    return this.options.toolboxes.shell(id, size);
  }

  async writeNodeFile(id: string, nodePath: string, content: string): Promise<void> {
    const node = await this.requireCluster(id);
    await writeNodeFile(this.options.docker, node.name, node.root, nodePath, content);
  }

  async readNodeFile(id: string, nodePath: string): Promise<string | undefined> {
    const node = await this.requireCluster(id);
    return readNodeFile(this.options.docker, node.name, node.root, nodePath);
  }

  /**
   * Deletes this runner's clusters (by prefix) that are not in `keep`, and toolboxes of this
   * install whose sandbox has no cluster any more. One failure is logged, never thrown.
   */
  async removeOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const removed = new Set<string>();
    const clusters = await this.list();
    for (const id of clusters.filter((c) => !keep.has(c))) {
      try {
        await this.delete(id);
        removed.add(id);
      } catch (error) {
        this.options.logger.warn('orphan_removal_failed', { sandbox: id, reason: errorMessage(error) });
      }
    }
    for (const container of await this.options.toolboxes.listManaged()) {
      const id = container.cluster;
      if (container.role !== 'toolbox' || container.install !== this.options.installId || !id.startsWith(this.options.idPrefix)) continue;
      if (keep.has(id) || clusters.includes(id)) continue;
      try {
        await this.options.toolboxes.removeContainer(container.id);
        removed.add(id);
      } catch (error) {
        this.options.logger.warn('orphan_removal_failed', { sandbox: id, container: container.id, reason: errorMessage(error) });
      }
    }
    return [...removed];
  }

  private async holds(id: string): Promise<boolean> {
    return id.startsWith(this.options.idPrefix) && (await this.list()).includes(id);
  }

  private async requireCluster(id: string): Promise<{ name: string; root: string }> {
    try {
      const node = await this.options.docker.getContainer(nodeName(id)).inspect();
      if (node.Config.Labels?.[KIND_LABEL_CLUSTER] === id && id.startsWith(this.options.idPrefix)) {
        return { name: node.Name.replace(/^\//, ''), root: node.Config.Labels[NODE_ROOT_LABEL] ?? '/' };
      }
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    throw new ProviderError('not_found', `sandbox ${id} has no kind cluster`);
  }

  /** The host-side kubeconfig: the file kind wrote at create, else asked of kind again. */
  private async kubeconfig(id: string): Promise<string> {
    const cached = this.kubeconfigs.get(id);
    if (cached) return cached;
    const text = await readFile(this.kubeconfigPath(id), 'utf8').catch(() => this.options.kind.kubeconfig(id));
    this.kubeconfigs.set(id, text);
    return text;
  }

  private async removeCluster(id: string): Promise<void> {
    this.kubeconfigs.delete(id);
    await this.options.kind.deleteCluster(id);
    await rm(this.kubeconfigPath(id), { force: true });
  }

  /** kind's own --wait only warns when the node is late; a sandbox needs a Ready node, so it is an error here. */
  private async waitForReady(id: string, kubeconfig: string, signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.options.nodeReadyTimeoutMs ?? 120_000;
    const { core } = kubeClients(kubeconfig);
    const deadline = Date.now() + timeoutMs;
    let last = 'no node registered';
    for (;;) {
      signal?.throwIfAborted();
      try {
        const nodes = await core.listNode();
        const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        if (nodes.items.length > 0 && ready.length === nodes.items.length) return;
        last = nodes.items.length === 0 ? 'no node registered' : `${nodes.items.length - ready.length} of ${nodes.items.length} nodes not Ready`;
      } catch (error) {
        last = `the API server does not answer: ${errorMessage(error)}`;
      }
      if (Date.now() > deadline) throw new ProviderError('timeout', `kind cluster ${id}: the node did not become Ready within ${Math.round(timeoutMs / 1000)} s (${last})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Resolves once kubectl in the toolbox reaches the cluster through the internal endpoint. */
  private async waitForToolbox(id: string, signal?: AbortSignal): Promise<void> {
    let last: ExecResult | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      signal?.throwIfAborted();
      last = await this.options.toolboxes.exec(id, ['kubectl', 'get', '--raw', '/version'], { timeoutMs: 15_000 });
      if (last.exitCode === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new ProviderError('create_failed', `kubectl in the toolbox of ${id} cannot reach the cluster: ${last?.stderr.trim()}`);
  }
}
