// With a user namespace, container root is an unprivileged host uid (the sandbox's range), so
// the directories the kubelet creates as host root must be handed to that uid, or the learner's
// root could not write into its own hostPath and emptyDir volumes nor read a 0400 secret.
// Only inodes the kubelet itself made (owned by host uid 0) are handed over, never recursively
// into what a container wrote, and each through a file descriptor opened without following a
// final symlink and checked to lie inside the sandbox's own directory: a learner who swaps a
// path component for a symlink between the check and the chown cannot aim it at a host file.

import { constants, closeSync, fstatSync, openSync, readlinkSync } from 'node:fs';
import { chown, lstat, readdir, realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import type { Pod } from '../k8s-types.js';
import { O_PATH } from './safe-path.js';
import type { PreparedVolume } from './volumes.js';

/** Hands `path` to `owner` (uid = gid) when host root owns it and it lies beneath `root`. */
async function handOver(path: string, root: string, owner: number): Promise<void> {
  const realRoot = await realpath(root);
  let fd: number;
  try {
    fd = openSync(path, O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (info.uid !== 0 || !(info.isDirectory() || info.isFile())) return;
    const where = readlinkSync(`/proc/self/fd/${fd}`);
    if (where !== realRoot && !where.startsWith(`${realRoot}${sep}`)) return;
    // chown through the descriptor's magic link: the pinned inode, whatever the path means now.
    await chown(`/proc/self/fd/${fd}`, owner, owner);
  } finally {
    closeSync(fd);
  }
}

/** Every file and directory beneath `dir` (kubelet-written, read-only in containers). */
async function handOverTree(dir: string, root: string, owner: number): Promise<void> {
  await handOver(dir, root, owner);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await handOverTree(path, root, owner);
    else if ((await lstat(path)).isFile()) await handOver(path, root, owner);
  }
}

/**
 * Gives the sandbox's root (`owner`) the Pod's volumes: the top of each hostPath (beneath the
 * node directory) and emptyDir, and the whole of each configMap, secret and downwardAPI volume
 * (the kubelet writes those; containers only read them). Idempotent: cheap when done.
 */
export async function handOverVolumes(pod: Pod, volumes: Map<string, PreparedVolume>, dirs: { nodeDir: string; podsDir: string }, owner: number): Promise<void> {
  for (const volume of pod.spec.volumes ?? []) {
    const prepared = volumes.get(volume.name);
    if (!prepared) continue;
    if (prepared.kind === 'hostPath') await handOver(join(dirs.nodeDir, `.${posix.normalize(prepared.path)}`), dirs.nodeDir, owner);
    else if (volume.emptyDir) await handOver(prepared.dir, dirs.podsDir, owner);
    else await handOverTree(prepared.dir, dirs.podsDir, owner);
  }
}
