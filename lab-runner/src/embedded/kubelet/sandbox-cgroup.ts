// The sandbox's own cgroup: every container of one virtual cluster is created under it
// (the engine's CgroupParent), so the pids, memory and CPU limits hold for the sandbox as a
// whole, across all its Pods and containers. Works where the engine runs on this machine
// with cgroupfs (cgroups v1 or v2); elsewhere the per-container limits still apply.

import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['pids', 'memory', 'cpu'] as const;

export interface SandboxLimits { pids: number; memoryBytes: number; cpus: number }

function isV2(): boolean {
  return existsSync(join(ROOT, 'cgroup.controllers'));
}

export function sandboxCgroupParent(clusterId: string): string {
  return `/kubelab/${clusterId.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

/** Creates the sandbox cgroup with its limits. Returns the CgroupParent to use, or undefined if cgroups are not writable here. */
export async function prepareSandboxCgroup(clusterId: string, limits: SandboxLimits): Promise<string | undefined> {
  const parent = sandboxCgroupParent(clusterId);
  const period = 100_000;
  try {
    if (isV2()) {
      const dir = join(ROOT, parent);
      await mkdir(dir, { recursive: true });
      for (const level of [ROOT, join(ROOT, 'kubelab')]) {
        await writeFile(join(level, 'cgroup.subtree_control'), '+pids +memory +cpu').catch(() => undefined);
      }
      await writeFile(join(dir, 'pids.max'), String(limits.pids));
      await writeFile(join(dir, 'memory.max'), String(limits.memoryBytes));
      await writeFile(join(dir, 'cpu.max'), `${Math.round(limits.cpus * period)} ${period}`);
      return parent;
    }
    if (!existsSync(join(ROOT, 'pids'))) return undefined;
    for (const controller of V1_CONTROLLERS) await mkdir(join(ROOT, controller, parent), { recursive: true });
    await writeFile(join(ROOT, 'pids', parent, 'pids.max'), String(limits.pids));
    await writeFile(join(ROOT, 'memory', parent, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    await writeFile(join(ROOT, 'cpu', parent, 'cpu.cfs_period_us'), String(period));
    await writeFile(join(ROOT, 'cpu', parent, 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * period)));
    return parent;
  } catch {
    return undefined;
  }
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  await rmdir(dir).catch(() => undefined);
}

/** Removes the sandbox cgroup once its containers are gone. Safe to repeat. */
export async function removeSandboxCgroup(clusterId: string): Promise<void> {
  const parent = sandboxCgroupParent(clusterId);
  const controllers = isV2() ? [''] : await readdir(ROOT).catch(() => [] as string[]);
  for (const controller of controllers) await removeTree(join(ROOT, controller, parent));
}

/** Current number of tasks in the sandbox (for tests and metrics); undefined if unknown. */
export function pidsCurrentPath(clusterId: string): string {
  return isV2() ? join(ROOT, sandboxCgroupParent(clusterId), 'pids.current') : join(ROOT, 'pids', sandboxCgroupParent(clusterId), 'pids.current');
}
