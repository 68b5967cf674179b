// Files on a kind node, addressed as the node's hostPath volumes see them (`/var/log/x.log`),
// read and written by exec in the node container (kind's nodes have sh, cat and realpath).
// The path is resolved on the node and must stay beneath its root (a Pod may plant symlinks
// through a hostPath volume); only regular files are read, so a FIFO never blocks a check.

import path from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { ProviderError } from '../provider.js';

const TIMEOUT_MS = 15_000;
const OUTSIDE = 3;
const NOT_A_FILE = 4;

// $1 root, $2 path beneath it. Exit 3: resolves outside the root; 4: missing or not a regular file.
const RESOLVE = 'root=$(realpath "$1") || exit 3; [ "$root" != / ] || root=; dir=$(realpath "$(dirname "$1$2")" 2>/dev/null) || exit 4; case "$dir/" in "$root"/*) ;; *) exit 3;; esac; f="$dir/$(basename "$2")"; [ ! -L "$f" ] || exit 3;';
const READ = `${RESOLVE} [ -f "$f" ] || exit 4; cat "$f"`;
const WRITE = `mkdir -p "$(dirname "$1$2")" || exit 4; ${RESOLVE} [ ! -e "$f" ] || [ -f "$f" ] || exit 4; cat > "$f"`;

function nodePath(p: string): string {
  if (!p.startsWith('/')) throw new ProviderError('not_found', `node path must be absolute: ${p}`);
  return path.posix.normalize(p);
}

async function execInNode(docker: Dockerode, container: string, argv: string[], stdin?: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const exec = await docker.getContainer(container).exec({ Cmd: argv, AttachStdin: stdin !== undefined, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: stdin !== undefined })) as Duplex;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  if (stdin !== undefined) stream.end(stdin);
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
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export async function readNodeFile(docker: Dockerode, node: string, root: string, p: string): Promise<string | undefined> {
  const result = await execInNode(docker, node, ['sh', '-c', READ, 'sh', root, nodePath(p)]);
  if (result.exitCode === 0) return result.stdout;
  if (result.exitCode === OUTSIDE || result.exitCode === NOT_A_FILE) return undefined;
  throw new ProviderError('engine_failed', `reading ${p} on node ${node} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
}

export async function writeNodeFile(docker: Dockerode, node: string, root: string, p: string, content: string): Promise<void> {
  const result = await execInNode(docker, node, ['sh', '-c', WRITE, 'sh', root, nodePath(p)], content);
  if (result.exitCode === OUTSIDE) throw new ProviderError('not_found', `node path leaves the node's root: ${p}`);
  if (result.exitCode === NOT_A_FILE) throw new ProviderError('not_found', `node path is not a regular file: ${p}`);
  if (result.exitCode !== 0) throw new ProviderError('engine_failed', `writing ${p} on node ${node} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
}
