// Files on a kind node, addressed as the node's hostPath volumes see them (`/var/log/x.log`),
// read and written by exec in the node container with what kind's node image has (Debian:
// dash, coreutils, GNU tar; no python, no helper of ours).
//
// Why this is race-free against root in a Pod that shares a hostPath directory with the node
// and plants links, FIFOs or devices there, or swaps a directory for a link in a loop:
// - The directories are walked one component at a time by the shell's own working directory:
//   `cd -P ./name`, then `pwd -P` must be exactly the expected path (root/.../name). A link,
//   followed by the cd or swapped in at any moment, gives another physical path and the walk
//   stops (exit 3); a FIFO or device is not a directory, so cd fails without opening it. The
//   check is made on the cwd we hold *after* the cd, not on a path used later: the cwd is an
//   inode, and a Pod cannot move it out of the root afterwards (rename(2) does not cross
//   mounts, and the Pod only has its hostPath bind mount, which is beneath the root).
// - Directories a write needs are made by `mkdir ./name` in that verified cwd: mkdir never
//   follows a link at its last component, so nothing is created outside the root.
// - The leaf is never named to a tool that follows links. Reading is `tar -c --no-recursion
//   ./name`: GNU tar lstat()s it, opens regular files only, with O_NOFOLLOW|O_NONBLOCK, and
//   records the type fstat() gives for what it opened, so a link, FIFO or device swapped in at
//   any moment becomes an entry of that type, never a read (and a FIFO never blocks). Here only
//   a regular-file entry is content. Writing is `tar -x` of one regular entry: GNU tar creates
//   it with O_CREAT|O_EXCL (a link there is unlinked and replaced, never followed) and writes
//   through that descriptor.
// So no symbolic link below the root is ever followed, not even one that stays inside it: a
// check's read of a planted link is refused rather than showing what it points at. (A learner
// who may run a privileged Pod is root on the node anyway; that is the node's own policy.)

import path from 'node:path';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { tarStream } from '../../images/tar-writer.js';
import { ProviderError } from '../provider.js';

const TIMEOUT_MS = 15_000;
/** The path goes through a symbolic link, or leads out of the root. */
const REFUSED = 3;
/** Something on the way is missing or is not a directory, or the leaf is not a regular file. */
const NOT_A_FILE = 4;
/** GNU tar's ustar names: a leaf written must fit one header. */
const MAX_LEAF_BYTES = 100;

// $1 root, $2 "read" or "write", then the path's components, the leaf last. Leaves the shell in
// the leaf's directory, verified, with the leaf as $1.
const WALK = `cd -P -- "$1" || exit 5; here=$(pwd -P); [ "$here" != / ] || here=; mode=$2; shift 2
while [ $# -gt 1 ]; do
  [ "$mode" = read ] || mkdir -- "./$1" 2>/dev/null || true
  if ! cd -P -- "./$1" 2>/dev/null; then [ -L "./$1" ] && exit ${REFUSED}; exit ${NOT_A_FILE}; fi
  here="$here/$1"
  [ "$(pwd -P)" = "$here" ] || exit ${REFUSED}
  shift
done
`;
const READ = `${WALK}[ -e "./$1" ] || [ -L "./$1" ] || exit ${NOT_A_FILE}; exec tar -cf - --no-recursion -- "./$1"`;
// The checks before tar only choose the error; tar's O_EXCL create is what keeps the write in place.
const WRITE = `${WALK}[ ! -L "./$1" ] || exit ${REFUSED}; [ ! -e "./$1" ] || [ -f "./$1" ] || exit ${NOT_A_FILE}
exec tar -xf - --no-same-owner --no-same-permissions --no-overwrite-dir --touch`;

/** The components of an absolute node path, normalised lexically (`..` cannot climb above `/`). */
function components(p: string): string[] {
  if (!p.startsWith('/')) throw new ProviderError('not_found', `node path must be absolute: ${p}`);
  const parts = path.posix.normalize(p).split('/').filter(Boolean);
  if (parts.length === 0) throw new ProviderError('not_found', `node path names no file: ${p}`);
  return parts;
}

interface NodeExec {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

async function execInNode(docker: Dockerode, container: string, argv: string[], stdin?: Readable): Promise<NodeExec> {
  const exec = await docker.getContainer(container).exec({ Cmd: argv, Env: ['CDPATH=', 'LC_ALL=C'], AttachStdin: stdin !== undefined, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: stdin !== undefined })) as Duplex;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  stdin?.on('error', (error) => stream.destroy(error)).pipe(stream);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve, reject) => stream.once('end', resolve).once('close', resolve).once('error', reject)),
    new Promise<never>((_r, reject) => {
      timer = setTimeout(() => {
        stream.destroy();
        reject(new ProviderError('timeout', `${argv[0]} on node ${container} did not finish within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

const field = (header: Buffer, offset: number, length: number) => header.toString('latin1', offset, offset + length).replace(/\0.*$/s, '').trim();

/**
 * The content of the one entry `tar -c` wrote, when it is a regular file; undefined for any other
 * type (a link, FIFO, device or directory is refused, never followed or read).
 */
function regularFileFromTar(archive: Buffer): Buffer | undefined {
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return undefined;
    const size = Number.parseInt(field(header, 124, 12) || '0', 8);
    const type = field(header, 156, 1) || '0';
    const data = offset + 512;
    if (!Number.isSafeInteger(size) || data + size > archive.length) throw new ProviderError('engine_failed', 'tar from the node ended inside an entry');
    // GNU long-name and pax headers describe the entry that follows.
    if (['L', 'K', 'x', 'g'].includes(type)) {
      offset = data + Math.ceil(size / 512) * 512;
      continue;
    }
    return type === '0' || type === '7' ? archive.subarray(data, data + size) : undefined;
  }
  return undefined;
}

export async function readNodeFile(docker: Dockerode, node: string, root: string, p: string): Promise<string | undefined> {
  const result = await execInNode(docker, node, ['sh', '-c', READ, 'sh', root, 'read', ...components(p)]);
  if (result.exitCode === REFUSED || result.exitCode === NOT_A_FILE) return undefined;
  // tar exits 1 when the file changed while it was read (a log being appended): what it read stands.
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    // Gone, or swapped for a link (O_NOFOLLOW), between tar's lstat and its open.
    if (/: Cannot (stat|open): /.test(result.stderr)) return undefined;
    throw new ProviderError('engine_failed', `reading ${p} on node ${node} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  return regularFileFromTar(result.stdout)?.toString('utf8');
}

export async function writeNodeFile(docker: Dockerode, node: string, root: string, p: string, content: string): Promise<void> {
  const parts = components(p);
  const leaf = parts.at(-1) as string;
  if (Buffer.byteLength(leaf) > MAX_LEAF_BYTES) throw new ProviderError('not_found', `node file name is longer than ${MAX_LEAF_BYTES} bytes: ${p}`);
  const archive = tarStream([{ type: 'file', path: leaf, mode: 0o644, content: Buffer.from(content) }]);
  const result = await execInNode(docker, node, ['sh', '-c', WRITE, 'sh', root, 'write', ...parts], archive);
  if (result.exitCode === REFUSED) throw new ProviderError('not_found', `node path goes through a symbolic link or leaves the node's root: ${p}`);
  if (result.exitCode === NOT_A_FILE) throw new ProviderError('not_found', `node path is not a regular file in a directory: ${p}`);
  // The verified directory was removed (or replaced by a rename) before tar created the file in
  // it: nothing was written anywhere.
  if (result.exitCode === 2 && /: Cannot open: No such file or directory/.test(result.stderr)) {
    throw new ProviderError('not_found', `node directory was removed while ${p} was written`);
  }
  if (result.exitCode !== 0) throw new ProviderError('engine_failed', `writing ${p} on node ${node} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
}
