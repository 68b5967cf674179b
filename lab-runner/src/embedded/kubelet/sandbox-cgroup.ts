// The sandbox's own cgroup: every container of one virtual cluster is created under it
// (the engine's CgroupParent), so the pids, memory and CPU limits hold for the sandbox as a
// whole, across all its Pods and containers. Works where the engine runs on this machine
// with cgroupfs (cgroups v1 or v2); elsewhere the per-container limits still apply.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
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

/**
 * What the sandbox's containers use now: the CPU time and memory of the sandbox cgroup (which
 * counts every container created under it). Undefined when there is no such cgroup here.
 */
export async function sandboxCgroupUsage(clusterId: string): Promise<{ cpuSeconds: number; memoryBytes: number; memoryLimitBytes: number | null } | undefined> {
  const parent = sandboxCgroupParent(clusterId);
  const v2 = isV2();
  // v1: the engine creates the container's cgroup in every controller, cpuacct included, so the
  // sandbox's level exists there although the kubelet only prepared pids, memory and cpu.
  const cpu = v2 ? await readNumber(join(ROOT, parent, 'cpu.stat'), 'usage_usec') : await readNumber(join(ROOT, 'cpuacct', parent, 'cpuacct.usage'));
  const memory = await readNumber(v2 ? join(ROOT, parent, 'memory.current') : join(ROOT, 'memory', parent, 'memory.usage_in_bytes'));
  if (cpu === undefined && memory === undefined) return undefined;
  const limitText = await readFile(v2 ? join(ROOT, parent, 'memory.max') : join(ROOT, 'memory', parent, 'memory.limit_in_bytes'), 'utf8').catch(() => undefined);
  const limit = limitText === undefined ? NaN : Number(limitText.trim());
  return {
    cpuSeconds: cpu === undefined ? 0 : v2 ? cpu / 1e6 : cpu / 1e9,
    memoryBytes: memory ?? 0,
    // v1 reports "no limit" as a huge number, v2 as "max".
    memoryLimitBytes: Number.isFinite(limit) && limit < 2 ** 60 ? limit : null,
  };
}

/** Current number of tasks in the sandbox (for tests and metrics); undefined if unknown. */
export function pidsCurrentPath(clusterId: string): string {
  return isV2() ? join(ROOT, sandboxCgroupParent(clusterId), 'pids.current') : join(ROOT, 'pids', sandboxCgroupParent(clusterId), 'pids.current');
}

async function readNumber(path: string, field?: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  if (!field) return Number(text.trim());
  const match = new RegExp(`^${field} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a container that died by SIGKILL was killed for memory. The engine here does not
 * report OOMKilled under cgroups v1, so the kubelet reads the container's own cgroup level
 * (which outlives it): v2 counts oom_kill; v1 shows whether usage reached the limit.
 */
export async function diedOfOom(cgroupParent: string, memoryLimit: number): Promise<boolean> {
  if (!cgroupParent) return false;
  if (isV2()) return ((await readNumber(join(ROOT, cgroupParent, 'memory.events'), 'oom_kill')) ?? 0) > 0;
  if (memoryLimit > 0) return ((await readNumber(join(ROOT, 'memory', cgroupParent, 'memory.max_usage_in_bytes'))) ?? 0) >= memoryLimit;
  return false;
}

/** Removes a dead container's own cgroup level (best effort: the engine's monitor may still sit in it). */
export async function removeContainerCgroup(cgroupParent: string): Promise<void> {
  if (!cgroupParent.startsWith('/kubelab/') || cgroupParent.split('/').length < 4) return;
  const controllers = isV2() ? [''] : await readdir(ROOT).catch(() => [] as string[]);
  for (const controller of controllers) await removeTree(join(ROOT, controller, cgroupParent));
}
