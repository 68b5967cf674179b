// Race-free resolution of paths a learner can influence, beneath a directory the kubelet owns.
//
// Containers write into hostPath and emptyDir volumes, so any component of a path below such a
// directory may be a symlink, or be swapped for one between a check and a use. A realpath check
// followed by a use of the path string loses that race. Here every component is opened relative
// to the file descriptor of its parent, with O_NOFOLLOW (`/proc/self/fd/<dirfd>/<name>` is
// openat(dirfd, name) for a single name that is never `.`, `..` or contains `/`), and what
// comes back is a descriptor of exactly the inode that was checked. Callers use that
// descriptor (read it, write it, bind-mount it), never the path string again.
//
// Symlinks are followed only inside the root, by this code and never by the kernel: a relative
// target is spliced into the remaining components, `..` pops the stack of descriptors already
// held (lexically, as RESOLVE_IN_ROOT does), and an absolute target or a `..` above the root is
// an escape. A directory a container renames while the walk holds its descriptor stays on the
// container's own mount (rename cannot cross mounts), so it stays inside the sandbox.
//
// Synchronous on purpose: a handful of local syscalls, no await between a check and its use,
// and every descriptor is closed in a finally even when the walk throws.

import { closeSync, constants, fstatSync, mkdirSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { posix } from 'node:path';

/** O_PATH (Linux): a descriptor that names an inode without opening it (no FIFO blocking, no device side effects). */
export const O_PATH = 0o10000000;
const MAX_LINKS = 40;

export type PathKind = 'directory' | 'file' | 'symlink' | 'socket' | 'charDevice' | 'blockDevice' | 'fifo';

/** The path leads out of its root (an absolute symlink, or `..` above the root). */
export class PathEscapeError extends Error {
  readonly code = 'PATH_ESCAPE';
  constructor(readonly path: string) {
    super(`${path} resolves outside its root`);
    this.name = 'PathEscapeError';
  }
}

export interface ResolvedPath {
  /** An O_PATH descriptor of the resolved inode; owned by the caller until close(). */
  readonly fd: number;
  readonly kind: PathKind;
  readonly stats: Stats;
  /** The resolved path below the root, for messages only (never to be opened again). */
  readonly relative: string;
  /** `/proc/self/fd/<fd>`: opening it (or `<it>/<name>`) reaches this very inode, whatever happened to its path since. */
  readonly procPath: string;
  close(): void;
}

export interface ResolveOptions {
  /** What to create when missing: every missing component as a directory, or the last one as an empty file. */
  create?: 'directory' | 'file';
  /** Mode of what is created (before the umask for directories). */
  mode?: number;
}

function kindOf(stats: Stats): PathKind {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'charDevice';
  if (stats.isBlockDevice()) return 'blockDevice';
  return 'fifo';
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function handle(fd: number, relative: string): ResolvedPath {
  const stats = fstatSync(fd);
  let open = true;
  return {
    fd,
    kind: kindOf(stats),
    stats,
    relative,
    procPath: `/proc/self/fd/${fd}`,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Opens a directory the kubelet itself owns (its path is trusted; what is below it is not). */
export function openRoot(path: string): ResolvedPath {
  const fd = openSync(path, O_PATH | constants.O_DIRECTORY);
  try {
    return handle(fd, '.');
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Resolves `path` (relative, or absolute meaning "from the root") beneath `root`. Throws
 * PathEscapeError for a way out, ENOENT when something is missing and nothing is to be created,
 * ENOTDIR when a middle component is not a directory, ELOOP after 40 symlinks.
 */
export function resolveBeneath(root: string | ResolvedPath, path: string, options: ResolveOptions = {}): ResolvedPath {
  const base = typeof root === 'string' ? openRoot(root) : undefined;
  const rootFd = base?.fd ?? (root as ResolvedPath).fd;
  // stack[i] is the descriptor of names[i - 1]; stack[0] is the root (not ours to close unless opened here).
  const stack: number[] = [rootFd];
  const names: string[] = [];
  const queue = components(path);
  let links = 0;
  let creations = 0;
  try {
    while (queue.length) {
      const name = queue.shift() as string;
      if (name === '..') {
        if (stack.length === 1) throw new PathEscapeError(path);
        closeSync(stack.pop() as number);
        names.pop();
        continue;
      }
      const last = queue.length === 0;
      const at = `/proc/self/fd/${stack[stack.length - 1]}/${name}`;
      let fd: number;
      try {
        fd = openSync(at, O_PATH | constants.O_NOFOLLOW);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !options.create) throw error;
        // A container deleting what was just made, over and over, does not keep the kubelet here.
        if (++creations > MAX_LINKS) throw errno('ENOENT', `${path} keeps disappearing`);
        try {
          if (last && options.create === 'file') closeSync(openSync(at, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, options.mode ?? 0o644));
          else mkdirSync(at, { mode: options.mode ?? 0o755 });
        } catch (created) {
          // Someone else made it in between: look again at whatever is there now.
          if ((created as NodeJS.ErrnoException).code !== 'EEXIST') throw created;
        }
        queue.unshift(name);
        continue;
      }
      const kind = kindOf(fstatSync(fd));
      if (kind === 'symlink') {
        closeSync(fd);
        if (++links > MAX_LINKS) throw errno('ELOOP', `too many levels of symbolic links in ${path}`);
        // Read after the open, so the target may be newer than the link opened: it is resolved
        // by this same walk below the root either way.
        const target = readlinkSync(at);
        if (target.startsWith('/')) throw new PathEscapeError(path);
        queue.unshift(...components(target));
        continue;
      }
      if (!last && kind !== 'directory') {
        closeSync(fd);
        throw errno('ENOTDIR', `${[...names, name].join('/')} is not a directory`);
      }
      stack.push(fd);
      names.push(name);
    }
    // The root itself was asked for: hand out a descriptor of our own.
    if (stack.length === 1) stack.push(openSync(`/proc/self/fd/${rootFd}`, O_PATH | constants.O_DIRECTORY));
    const result = handle(stack[stack.length - 1] as number, posix.join('.', ...names));
    stack.pop();
    return result;
  } finally {
    for (const fd of stack.slice(1)) closeSync(fd);
    base?.close();
  }
}

/** Opens the resolved inode for I/O (`flags` without O_CREAT): the same inode, never a path lookup. */
export function reopen(resolved: ResolvedPath, flags: number): number {
  return openSync(resolved.procPath, flags);
}

/** The child `name` (one component, never a link) of a resolved directory, for *at-style calls. */
export function childPath(dir: ResolvedPath, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new PathEscapeError(name);
  return `${dir.procPath}/${name}`;
}
