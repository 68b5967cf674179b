// The kubelet's eviction manager for local storage, one per sandbox. Disk cannot be capped
// up front here (Podman's overlay on ext4 has no `--storage-opt size=`, and a disk emptyDir is
// a plain directory), so usage is measured periodically as the real kubelet's eviction
// manager does, and a Pod that passed a limit is evicted: phase Failed, reason Evicted, the
// kubelet's exact message, an `Evicted` event, its containers and emptyDirs removed.
//
// What is measured, every `intervalMs` (du -sx, blocks and inodes, never following symlinks):
//  - each disk emptyDir against its sizeLimit, or the sandbox default when none is set
//    (medium Memory emptyDirs are tmpfs mounts sized at mount time: no need);
//  - each container's writable layer plus its log against its ephemeral-storage limit, or
//    the sandbox default (logs are rotated by the engine at containerLogBytes);
//  - the Pod's emptyDirs plus containers against the sum of its containers' limits;
//  - the sandbox's node directory (every hostPath) against the node's share: Pods that
//    mount a hostPath are evicted as under node disk pressure.
// Inodes: each measured tree may hold at most `inodes` files, or the Pod is evicted for
// inode pressure (an inode bomb of tiny files stays under any byte limit).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import type { Container, Pod } from '../k8s-types.js';
import { parseQuantity } from '../quantity.js';

const execFileAsync = promisify(execFile);

export interface DiskShares {
  /** An emptyDir on disk without a sizeLimit may hold this much. */
  emptyDirBytes: number;
  /** A container without an ephemeral-storage limit: its writable layer plus its log. */
  writableLayerBytes: number;
  /** The sandbox's node directory (all hostPath volumes together). */
  nodeDirBytes: number;
  /** The engine rotates a container's log at this size (the kubelet's containerLogMaxSize). */
  containerLogBytes: number;
  /** Files (inodes) one measured tree may hold. */
  inodes?: number;
  intervalMs: number;
}

export const DEFAULT_DISK_SHARES: DiskShares = {
  emptyDirBytes: 256 * 1024 * 1024,
  writableLayerBytes: 512 * 1024 * 1024,
  nodeDirBytes: 512 * 1024 * 1024,
  containerLogBytes: 10 * 1024 * 1024,
  inodes: 100_000,
  intervalMs: 5_000,
};

/** What the eviction manager needs of one running Pod. */
export interface EvictablePod {
  readonly pod: Pod;
  /** Host directory of one emptyDir volume. */
  emptyDirPath(volume: string): string;
  /** The engine ids of the containers' current runs, by container name. */
  containerIds(): Map<string, string>;
  evict(message: string): Promise<void>;
}

export interface Usage {
  bytes: number;
  inodes: number;
}

/** Disk usage of a tree as the kubelet counts it (allocated blocks), staying on its filesystem. */
async function measure(path: string): Promise<Usage> {
  const run = async (args: string[]) => {
    const { stdout } = await execFileAsync('du', [...args, '-sx', '--', path], { maxBuffer: 1024 * 1024 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return Number(/^(\d+)/.exec(stdout)?.[1] ?? 0);
  };
  const [bytes, inodes] = await Promise.all([run(['-B1']), run(['--inodes'])]);
  return { bytes, inodes };
}

/** A byte count as the kubelet prints a quantity in its messages (binary suffix when exact). */
function quantityText(n: number): string {
  for (const [suffix, unit] of [['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (n >= unit && n % unit === 0) return `${n / unit}${suffix}`;
  return String(n);
}

// The kubelet's messages (pkg/kubelet/eviction/helpers.go), trailing space included.
const emptyDirMessage = (volume: string, limit: string) => `Usage of EmptyDir volume "${volume}" exceeds the limit "${limit}". `;
const podMessage = (limit: string) => `Pod ephemeral local storage usage exceeds the total limit of containers ${limit}. `;
const containerMessage = (container: string, limit: string) => `Container ${container} exceeded its local ephemeral storage limit "${limit}". `;
const nodeLowMessage = (resource: 'ephemeral-storage' | 'inodes', threshold: string, available: string) =>
  `The node was low on resource: ${resource}. Threshold quantity: ${threshold}, available: ${available}. `;

export interface EvictionEnv {
  docker: Dockerode;
  nodeDir: string;
  shares: DiskShares;
  pods(): EvictablePod[];
  log(message: string, error?: unknown): void;
}

/** One sandbox's local-storage eviction manager: start, stop, and one pass on demand. */
export class EvictionManager {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;

  constructor(private readonly env: EvictionEnv) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.env.shares.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every Pod; a pass already under way is joined, not repeated. */
  check(): Promise<void> {
    this.pass ??= this.checkAll()
      .catch((error) => this.env.log('local storage eviction pass failed', error))
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }

  private async checkAll(): Promise<void> {
    const pods = this.env.pods();
    if (pods.length === 0) return;
    const inodeCap = this.env.shares.inodes ?? Infinity;
    const node = await measure(this.env.nodeDir);
    const nodeOver = node.bytes > this.env.shares.nodeDirBytes ? 'ephemeral-storage' : node.inodes > inodeCap ? 'inodes' : undefined;
    for (const one of pods) {
      const verdict = await this.judge(one, inodeCap);
      if (verdict) {
        await one.evict(verdict);
        continue;
      }
      if (nodeOver && (one.pod.spec.volumes ?? []).some((v) => v.hostPath)) {
        const message =
          nodeOver === 'inodes'
            ? nodeLowMessage('inodes', String(inodeCap), String(Math.max(0, inodeCap - node.inodes)))
            : nodeLowMessage('ephemeral-storage', quantityText(this.env.shares.nodeDirBytes), quantityText(Math.max(0, this.env.shares.nodeDirBytes - node.bytes)));
        await one.evict(message);
      }
    }
  }

  /** The eviction message for a Pod over one of its limits, as the kubelet checks them (emptyDirs, Pod, containers). */
  private async judge(one: EvictablePod, inodeCap: number): Promise<string | undefined> {
    const { pod } = one;
    const shares = this.env.shares;
    let podBytes = 0;
    for (const volume of pod.spec.volumes ?? []) {
      if (!volume.emptyDir || volume.emptyDir.medium === 'Memory') continue;
      const usage = await measure(one.emptyDirPath(volume.name));
      podBytes += usage.bytes;
      const limitText = volume.emptyDir.sizeLimit ?? quantityText(shares.emptyDirBytes);
      if (usage.bytes > parseQuantity(limitText)) return emptyDirMessage(volume.name, limitText);
      if (usage.inodes > inodeCap) return nodeLowMessage('inodes', String(inodeCap), '0');
    }
    // Ephemeral (debug) containers count too: they have no limit of their own, so the default cap applies.
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...((pod.spec.ephemeralContainers ?? []) as Container[])];
    const ids = one.containerIds();
    const usages = new Map<string, Usage>();
    for (const container of containers) {
      const id = ids.get(container.name);
      if (!id) continue;
      const usage = await this.containerUsage(id);
      usages.set(container.name, usage);
      podBytes += usage.bytes;
    }
    const limits = containers.map((c) => c.resources?.limits?.['ephemeral-storage']).filter((l): l is string => l !== undefined);
    if (limits.length > 0) {
      const total = limits.reduce((sum, l) => sum + parseQuantity(l), 0);
      if (podBytes > total) return podMessage(quantityText(total));
    }
    for (const container of containers) {
      const usage = usages.get(container.name);
      if (!usage) continue;
      const limitText = container.resources?.limits?.['ephemeral-storage'] ?? quantityText(shares.writableLayerBytes);
      if (usage.bytes > parseQuantity(limitText)) return containerMessage(container.name, limitText);
      if (usage.inodes > inodeCap) return nodeLowMessage('inodes', String(inodeCap), '0');
    }
    return undefined;
  }

  /** A container's writable layer plus its log, as the kubelet counts a container's ephemeral storage. */
  private async containerUsage(id: string): Promise<Usage> {
    const info = await this.env.docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined);
    const upper = (info as { GraphDriver?: { Data?: { UpperDir?: string } } } | undefined)?.GraphDriver?.Data?.UpperDir;
    const usage = upper ? await measure(upper) : { bytes: 0, inodes: 0 };
    if (info?.LogPath) {
      const log = await measure(info.LogPath);
      usage.bytes += log.bytes;
    }
    return usage;
  }
}
