// Pod volumes on the host side: emptyDirs (tmpfs for medium Memory) under the Pod's own
// directory, hostPath under the sandbox's node directory (never the real host path), and
// configMap, secret and downwardAPI volumes written out as files.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import type { Pod, Volume } from '../k8s-types.js';
import type { KubeletClusterClient } from '../node-contract.js';
import { fieldRefValue, resourceFieldValue, type PodAddresses } from './field-ref.js';
import { memoryBytes } from './quantity.js';

const execFileAsync = promisify(execFile);

/** A volume could not be set up; the Pod waits in ContainerCreating with a FailedMount event. */
export class MountError extends Error {
  readonly code = 'FAILED_MOUNT';
  constructor(readonly volume: string, message: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'MountError';
  }
}

export interface PreparedVolume {
  /** Host path bound into containers. */
  source: string;
  /** configMap, secret and downwardAPI volumes are always read-only, as on a real node. */
  forceReadOnly: boolean;
}

export interface VolumeContext {
  cluster: KubeletClusterClient;
  nodeDir: string;
  podsDir: string;
  addresses: PodAddresses;
  limits: { memoryBytes: number; cpus: number };
}

export function podDir(podsDir: string, uid: string): string {
  return join(podsDir, uid);
}

/** Maps a hostPath into the node directory; `..` cannot climb out of it. */
export function nodePath(nodeDir: string, path: string): string {
  return join(nodeDir, posix.normalize(`/${path}`));
}

/**
 * Fails unless `path` (or, when it does not exist yet, its deepest existing ancestor) resolves
 * inside `root`. Containers can write symlinks into hostPath and emptyDir volumes; following
 * one must never reach the real host's filesystem.
 */
export async function assertInside(root: string, path: string, what: string): Promise<void> {
  const realRoot = await realpath(root);
  let probe = path;
  for (;;) {
    const real = await realpath(probe).catch(() => undefined);
    if (real !== undefined) {
      if (real !== realRoot && !real.startsWith(`${realRoot}/`)) throw new Error(`${what} resolves outside the sandbox's node`);
      return;
    }
    const parent = dirname(probe);
    if (parent === probe) throw new Error(`${what} resolves outside the sandbox's node`);
    probe = parent;
  }
}

async function isMountPoint(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => line.split(' ')[4] === path);
}

async function exists(path: string) {
  return lstat(path).then((s) => s, () => undefined);
}

/**
 * Writes a configMap, secret or downwardAPI volume the way the kubelet does: the files live in
 * a `..<digest>` directory, `..data` points at it and every top-level name is a symlink
 * through `..data`. An update swaps `..data` in one rename, so a reader in the container sees
 * either the old or the new set, and the bind mount of the volume directory stays valid.
 */
async function writeItems(dir: string, files: { path: string; content: Buffer; mode: number }[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const digest = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) digest.update(`${file.path}\0${file.mode}\0`).update(file.content).update('\0');
  const dataDir = `..${digest.digest('hex').slice(0, 16)}`;
  if ((await readlink(join(dir, '..data')).catch(() => undefined)) === dataDir) return;
  const staging = join(dir, dataDir);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o755 });
  await chmod(staging, 0o755);
  const tops = new Set<string>();
  for (const file of files) {
    const relative = posix.normalize(`/${file.path}`).slice(1);
    tops.add(relative.split('/')[0] ?? relative);
    const target = join(staging, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.mode });
    await chmod(target, file.mode);
  }
  await rm(join(dir, '..data_tmp'), { force: true });
  await symlink(dataDir, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const top of tops) {
    const link = join(dir, top);
    const info = await exists(link);
    if (info?.isSymbolicLink()) continue;
    if (info) await rm(link, { recursive: true, force: true });
    await symlink(posix.join('..data', top), link);
  }
  for (const entry of await readdir(dir)) {
    const stale = entry.startsWith('..') ? entry !== '..data' && entry !== dataDir : !tops.has(entry);
    if (stale) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

function selectItems(
  kind: 'configmap' | 'secret',
  data: Record<string, Buffer>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  defaultMode: number,
): { path: string; content: Buffer; mode: number }[] {
  if (!items) return Object.entries(data).map(([key, content]) => ({ path: key, content, mode: defaultMode }));
  return items.map((item) => {
    const content = data[item.key];
    if (!content) throw new Error(`${kind} references non-existent ${kind === 'secret' ? 'secret' : 'config'} key: ${item.key}`);
    return { path: item.path, content, mode: item.mode ?? defaultMode };
  });
}

async function prepareOne(pod: Pod, volume: Volume, ctx: VolumeContext): Promise<PreparedVolume> {
  const namespace = pod.metadata.namespace ?? 'default';
  const dir = join(podDir(ctx.podsDir, pod.metadata.uid ?? ''), 'volumes', volume.name);
  if (volume.emptyDir) {
    await mkdir(dir, { recursive: true });
    if (volume.emptyDir.medium === 'Memory' && !(await isMountPoint(dir))) {
      const size = memoryBytes(volume.emptyDir.sizeLimit) ?? ctx.limits.memoryBytes;
      try {
        await execFileAsync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', dir]);
      } catch (error) {
        throw new MountError(volume.name, `mounting tmpfs failed: ${(error as Error).message}`);
      }
    }
    await chmod(dir, 0o777);
    return { source: dir, forceReadOnly: false };
  }
  if (volume.hostPath) {
    const target = nodePath(ctx.nodeDir, volume.hostPath.path);
    const type = volume.hostPath.type ?? '';
    await mkdir(ctx.nodeDir, { recursive: true });
    const inside = () => assertInside(ctx.nodeDir, target, `hostPath ${volume.hostPath?.path}`).catch((error: Error) => {
      throw new MountError(volume.name, error.message);
    });
    await inside();
    const info = await exists(target);
    switch (type) {
      case '':
      case 'DirectoryOrCreate':
        // Like containerd, an unchecked hostPath that does not exist is created as a directory.
        if (!info) await mkdir(target, { recursive: true, mode: 0o755 });
        else if (type === 'DirectoryOrCreate' && !info.isDirectory()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a directory`);
        break;
      case 'Directory':
        if (!info?.isDirectory()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a directory`);
        break;
      case 'FileOrCreate':
        if (!info) {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, '', { mode: 0o644 });
        } else if (!info.isFile()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a file`);
        break;
      case 'File':
        if (!info?.isFile()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a file`);
        break;
      case 'Socket':
        if (!info?.isSocket()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a socket file`);
        break;
      case 'CharDevice':
        if (!info?.isCharacterDevice()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a character device`);
        break;
      case 'BlockDevice':
        if (!info?.isBlockDevice()) throw new MountError(volume.name, `hostPath type check failed: ${volume.hostPath.path} is not a block device`);
        break;
      default:
        throw new MountError(volume.name, `unknown hostPath type "${String(type)}"`);
    }
    await inside();
    return { source: target, forceReadOnly: false };
  }
  if (volume.configMap) {
    const name = volume.configMap.name ?? '';
    const configMap = ctx.cluster.getConfigMap(namespace, name);
    if (!configMap && !volume.configMap.optional) throw new MountError(volume.name, `configmap "${name}" not found`);
    const data: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(configMap?.data ?? {})) data[key] = Buffer.from(value);
    for (const [key, value] of Object.entries(configMap?.binaryData ?? {})) data[key] = Buffer.from(value, 'base64');
    try {
      await writeItems(dir, configMap ? selectItems('configmap', data, volume.configMap.items, volume.configMap.defaultMode ?? 0o644) : []);
    } catch (error) {
      throw new MountError(volume.name, (error as Error).message);
    }
    return { source: dir, forceReadOnly: true };
  }
  if (volume.secret) {
    const name = volume.secret.secretName ?? '';
    const secret = ctx.cluster.getSecret(namespace, name);
    if (!secret && !volume.secret.optional) throw new MountError(volume.name, `secret "${name}" not found`);
    const data: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(secret?.data ?? {})) data[key] = Buffer.from(value, 'base64');
    for (const [key, value] of Object.entries(secret?.stringData ?? {})) data[key] = Buffer.from(value);
    try {
      await writeItems(dir, secret ? selectItems('secret', data, volume.secret.items, volume.secret.defaultMode ?? 0o644) : []);
    } catch (error) {
      throw new MountError(volume.name, (error as Error).message);
    }
    return { source: dir, forceReadOnly: true };
  }
  if (volume.downwardAPI) {
    const defaultMode = volume.downwardAPI.defaultMode ?? 0o644;
    try {
      const files = (volume.downwardAPI.items ?? []).map((item) => ({
        path: item.path,
        mode: item.mode ?? defaultMode,
        content: Buffer.from(
          item.fieldRef
            ? fieldRefValue(pod, item.fieldRef, ctx.addresses)
            : item.resourceFieldRef
              ? resourceFieldValue(pod, item.resourceFieldRef, undefined, ctx.limits)
              : '',
        ),
      }));
      await writeItems(dir, files);
    } catch (error) {
      throw new MountError(volume.name, (error as Error).message);
    }
    return { source: dir, forceReadOnly: true };
  }
  throw new MountError(volume.name, 'this volume type is not supported in a Kubelab sandbox');
}

/** Sets up every volume of the Pod; throws MountError for the first that cannot be. Safe to repeat. */
export async function prepareVolumes(pod: Pod, ctx: VolumeContext): Promise<Map<string, PreparedVolume>> {
  const prepared = new Map<string, PreparedVolume>();
  for (const volume of pod.spec.volumes ?? []) prepared.set(volume.name, await prepareOne(pod, volume, ctx));
  return prepared;
}

/**
 * Rewrites the configMap, secret and downwardAPI volumes from the cluster's current objects
 * (the kubelet's periodic sync). A source that disappeared keeps the last content.
 */
export async function refreshProjectedVolumes(pod: Pod, ctx: VolumeContext): Promise<void> {
  for (const volume of pod.spec.volumes ?? []) {
    if (!volume.configMap && !volume.secret && !volume.downwardAPI) continue;
    await prepareOne(pod, volume, ctx).catch((error: unknown) => {
      if (!(error instanceof MountError)) throw error;
    });
  }
}

/** Removes the Pod's directory (emptyDirs and written volumes), unmounting tmpfs first. Safe to repeat. */
export async function removePodDir(podsDir: string, uid: string): Promise<void> {
  const dir = podDir(podsDir, uid);
  const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  for (const line of mounts.split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint?.startsWith(`${dir}/`)) await execFileAsync('umount', ['-l', mountPoint]).catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true });
}
