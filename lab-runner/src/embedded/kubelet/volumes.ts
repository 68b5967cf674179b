// Pod volumes on the host side: emptyDirs (tmpfs for medium Memory) under the Pod's own
// directory, hostPath under the sandbox's node directory (never the real host path), and
// configMap, secret and downwardAPI volumes written out as files.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, fchmodSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, symlinkSync, writeSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import type { Pod, Volume } from '../k8s-types.js';
import type { KubeletClusterClient } from '../node-contract.js';
import { fieldRefValue, resourceFieldValue, type PodAddresses } from './field-ref.js';
import { memoryBytes } from './engine-units.js';
import { childPath, openRoot, PathEscapeError, resolveBeneath, type PathKind, type ResolvedPath } from './safe-path.js';
import { removeUnmounted } from './staging-mounts.js';

const execFileAsync = promisify(execFile);

/** A volume could not be set up; the Pod waits in ContainerCreating with a FailedMount event. */
export class MountError extends Error {
  readonly code = 'FAILED_MOUNT';
  constructor(readonly volume: string, message: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'MountError';
  }
}

/**
 * A volume ready to be mounted. `pod` volumes live in the Pod's own directory, whose path no
 * container can change; a `hostPath` is resolved again beneath the node directory at every
 * container start (safe-path.ts), because containers can change what its path leads to.
 */
export type PreparedVolume =
  | { kind: 'pod'; dir: string; /** configMap, secret and downwardAPI volumes are always read-only, as on a real node. */ forceReadOnly: boolean }
  | { kind: 'hostPath'; volume: string; path: string; type: string; forceReadOnly: false };

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

async function isMountPoint(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => line.split(' ')[4] === path);
}

const HOST_PATH_KINDS: Record<string, { kind: PathKind; name: string } | undefined> = {
  Directory: { kind: 'directory', name: 'directory' },
  DirectoryOrCreate: { kind: 'directory', name: 'directory' },
  File: { kind: 'file', name: 'file' },
  FileOrCreate: { kind: 'file', name: 'file' },
  Socket: { kind: 'socket', name: 'socket file' },
  CharDevice: { kind: 'charDevice', name: 'character device' },
  BlockDevice: { kind: 'blockDevice', name: 'block device' },
};

/**
 * Resolves a hostPath beneath the node directory (the node's `/`), creating it as its type asks
 * (an unchecked missing path becomes a directory, as containerd does), and checks its type on
 * the opened inode. The caller owns the returned descriptor.
 */
export function openHostPath(nodeDir: string, volume: string, hostPath: { path: string; type?: string }): ResolvedPath {
  const type = hostPath.type ?? '';
  const expected = HOST_PATH_KINDS[type];
  if (type !== '' && !expected) throw new MountError(volume, `unknown hostPath type "${type}"`);
  const create = type === '' || type === 'DirectoryOrCreate' ? 'directory' : type === 'FileOrCreate' ? 'file' : undefined;
  let resolved: ResolvedPath;
  try {
    resolved = resolveBeneath(nodeDir, hostPath.path, create ? { create, mode: create === 'file' ? 0o644 : 0o755 } : {});
  } catch (error) {
    if (error instanceof PathEscapeError) throw new MountError(volume, `hostPath ${hostPath.path} resolves outside the sandbox's node`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && expected) throw new MountError(volume, `hostPath type check failed: ${hostPath.path} is not a ${expected.name}`);
    throw new MountError(volume, `hostPath ${hostPath.path}: ${(error as Error).message}`);
  }
  if (expected && resolved.kind !== expected.kind) {
    resolved.close();
    throw new MountError(volume, `hostPath type check failed: ${hostPath.path} is not a ${expected.name}`);
  }
  return resolved;
}

function writeAll(fd: number, content: Buffer): void {
  for (let offset = 0; offset < content.length; ) offset += writeSync(fd, content, offset, content.length - offset);
}

/**
 * Writes a configMap, secret or downwardAPI volume the way the kubelet does: the files live in
 * a `..<digest>` directory, `..data` points at it and every top-level name is a symlink
 * through `..data`. An update swaps `..data` in one rename, so a reader in the container sees
 * either the old or the new set, and the bind mount of the volume directory stays valid.
 * Every name is created relative to a descriptor of the volume directory and never through a
 * link (item paths come from the Pod spec), so nothing here can write outside it.
 */
async function writeItems(dir: string, files: { path: string; content: Buffer; mode: number }[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const root = openRoot(dir);
  let staging: ResolvedPath | undefined;
  try {
    chmodSync(root.procPath, 0o755);
    const at = (name: string) => childPath(root, name);
    const digest = createHash('sha256');
    for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) digest.update(`${file.path}\0${file.mode}\0`).update(file.content).update('\0');
    const dataDir = `..${digest.digest('hex').slice(0, 16)}`;
    if ((await lstat(at('..data')).then((info) => (info.isSymbolicLink() ? readlinkSync(at('..data')) : undefined), () => undefined)) === dataDir) return;
    await rm(at(dataDir), { recursive: true, force: true });
    mkdirSync(at(dataDir), { mode: 0o755 });
    staging = resolveBeneath(root, dataDir);
    chmodSync(staging.procPath, 0o755);
    const tops = new Set<string>();
    for (const file of files) {
      const relative = posix.normalize(`/${file.path}`).slice(1);
      tops.add(relative.split('/')[0] ?? relative);
      const parent = resolveBeneath(staging, posix.dirname(relative), { create: 'directory' });
      try {
        const fd = openSync(childPath(parent, posix.basename(relative)), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, file.mode);
        try {
          writeAll(fd, file.content);
          fchmodSync(fd, file.mode);
        } finally {
          closeSync(fd);
        }
      } finally {
        parent.close();
      }
    }
    await rm(at('..data_tmp'), { force: true });
    symlinkSync(dataDir, at('..data_tmp'));
    renameSync(at('..data_tmp'), at('..data'));
    for (const top of tops) {
      const info = await lstat(at(top)).catch(() => undefined);
      if (info?.isSymbolicLink()) continue;
      if (info) await rm(at(top), { recursive: true, force: true });
      symlinkSync(posix.join('..data', top), at(top));
    }
    for (const entry of readdirSync(root.procPath)) {
      const stale = entry.startsWith('..') ? entry !== '..data' && entry !== dataDir : !tops.has(entry);
      if (stale) await rm(at(entry), { recursive: true, force: true });
    }
  } finally {
    staging?.close();
    root.close();
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
    return { kind: 'pod', dir, forceReadOnly: false };
  }
  if (volume.hostPath) {
    await mkdir(ctx.nodeDir, { recursive: true });
    // Checked (and created) now, for the FailedMount a real kubelet reports; resolved again at every container start.
    openHostPath(ctx.nodeDir, volume.name, volume.hostPath).close();
    return { kind: 'hostPath', volume: volume.name, path: volume.hostPath.path, type: volume.hostPath.type ?? '', forceReadOnly: false };
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
    return { kind: 'pod', dir, forceReadOnly: true };
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
    return { kind: 'pod', dir, forceReadOnly: true };
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
    return { kind: 'pod', dir, forceReadOnly: true };
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

/** Removes the Pod's directory (emptyDirs, written volumes, staging mounts), unmounting first. Safe to repeat. */
export async function removePodDir(podsDir: string, uid: string): Promise<void> {
  await removeUnmounted(podDir(podsDir, uid));
}
