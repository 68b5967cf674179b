// The sandbox's own cgroup: every container of one virtual cluster is created under it
// (the engine's CgroupParent), so the pids, memory and CPU limits hold for the sandbox as a
// whole, across all its Pods and containers. Works where the engine runs on this machine
// with cgroupfs (cgroups v1 or v2). It fails closed: a sandbox whose cgroup cannot be made,
// or whose limits cannot be written, does not start, and the error says which and why.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['pids', 'memory', 'cpu'] as const;
/** Where sandbox cgroups live by default: /sys/fs/cgroup[/<controller>]/kubelab/<sandbox>. */
export const DEFAULT_CGROUP_PARENT = 'kubelab';

export interface SandboxLimits { pids: number; memoryBytes: number; cpus: number }

/** The sandbox's pids, memory or CPU limit could not be put in place. */
class SandboxCgroupError extends Error {
  readonly code = 'SANDBOX_CGROUP_FAILED';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'SandboxCgroupError';
  }
}

function isV2(): boolean {
  return existsSync(join(ROOT, 'cgroup.controllers'));
}

export function sandboxCgroupParent(clusterId: string, base = DEFAULT_CGROUP_PARENT): string {
  return `/${base}/${clusterId.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

/**
 * Creates the sandbox cgroup with its limits and returns the CgroupParent to use. Throws
 * SandboxCgroupError when cgroups are out of reach or a limit is refused: without them one
 * sandbox could take the machine's pids, memory or CPU from every other.
 */
export async function prepareSandboxCgroup(clusterId: string, limits: SandboxLimits, base = DEFAULT_CGROUP_PARENT): Promise<string> {
  const parent = sandboxCgroupParent(clusterId, base);
  const period = 100_000;
  let step = `creating ${parent}`;
  const write = async (file: string, value: string) => {
    step = `writing ${value} to ${file}`;
    await writeFile(file, value);
  };
  try {
    if (isV2()) {
      const dir = join(ROOT, parent);
      const levels = [ROOT, ...base.split('/').map((_, i, parts) => join(ROOT, ...parts.slice(0, i + 1)))];
      await mkdir(dir, { recursive: true });
      for (const level of levels) await writeFile(join(level, 'cgroup.subtree_control'), '+pids +memory +cpu').catch(() => undefined);
      await write(join(dir, 'pids.max'), String(limits.pids));
      await write(join(dir, 'memory.max'), String(limits.memoryBytes));
      await write(join(dir, 'cpu.max'), `${Math.round(limits.cpus * period)} ${period}`);
      return parent;
    }
    for (const controller of V1_CONTROLLERS) {
      step = `creating ${join(ROOT, controller, parent)}`;
      if (!existsSync(join(ROOT, controller))) throw new Error(`the ${controller} controller is not mounted at ${join(ROOT, controller)}`);
      await mkdir(join(ROOT, controller, parent), { recursive: true });
    }
    await write(join(ROOT, 'pids', parent, 'pids.max'), String(limits.pids));
    await write(join(ROOT, 'memory', parent, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    await write(join(ROOT, 'cpu', parent, 'cpu.cfs_period_us'), String(period));
    await write(join(ROOT, 'cpu', parent, 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * period)));
    return parent;
  } catch (error) {
    throw new SandboxCgroupError(
      `the sandbox's cgroup could not be set up (${step}: ${error instanceof Error ? error.message : String(error)}); a sandbox does not start without its pids, memory and CPU limits`,
      { cause: error },
    );
  }
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  await rmdir(dir).catch(() => undefined);
}

/** Removes the sandbox cgroup once its containers are gone. Safe to repeat. */
export async function removeSandboxCgroup(clusterId: string, base = DEFAULT_CGROUP_PARENT): Promise<void> {
  const parent = sandboxCgroupParent(clusterId, base);
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
export function pidsCurrentPath(clusterId: string, base = DEFAULT_CGROUP_PARENT): string {
  return isV2() ? join(ROOT, sandboxCgroupParent(clusterId, base), 'pids.current') : join(ROOT, 'pids', sandboxCgroupParent(clusterId, base), 'pids.current');
}

async function readNumber(path: string, field?: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  if (!field) return Number(text.trim());
  const match = new RegExp(`^${field} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** memory.failcnt of each sandbox level when last looked at. */
const sandboxFailures = new Map<string, number>();

/**
 * Whether a container that died by SIGKILL was killed for memory. The engine here does not
 * report OOMKilled under cgroups v1, so the kubelet reads the container's own cgroup level
 * (which outlives it): v2 counts oom_kill; v1 shows whether usage reached the limit.
 */
export async function diedOfOom(cgroupParent: string, memoryLimit: number): Promise<boolean> {
  if (!cgroupParent) return false;
  if (isV2()) return ((await readNumber(join(ROOT, cgroupParent, 'memory.events'), 'oom_kill')) ?? 0) > 0;
  if (memoryLimit > 0) return ((await readNumber(join(ROOT, 'memory', cgroupParent, 'memory.max_usage_in_bytes'))) ?? 0) >= memoryLimit;
  // No limit of its own: the sandbox's (a level up) killed it if that level failed charges since
  // the last look (v1 counts the kill in the engine's per-container cgroup, gone with it).
  const sandboxLevel = join(ROOT, 'memory', cgroupParent, '..');
  const failures = (await readNumber(join(sandboxLevel, 'memory.failcnt'))) ?? 0;
  const seen = sandboxFailures.get(sandboxLevel) ?? 0;
  sandboxFailures.set(sandboxLevel, failures);
  return failures > seen;
}

/** Removes a dead container's own cgroup level (best effort: the engine's monitor may still sit in it). */
export async function removeContainerCgroup(cgroupParent: string, sandboxParent: string | undefined): Promise<void> {
  if (!sandboxParent || !cgroupParent.startsWith(`${sandboxParent}/`) || cgroupParent.includes('..')) return;
  const controllers = isV2() ? [''] : await readdir(ROOT).catch(() => [] as string[]);
  for (const controller of controllers) await removeTree(join(ROOT, controller, cgroupParent));
}
