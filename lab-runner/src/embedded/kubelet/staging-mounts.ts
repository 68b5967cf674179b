// Mounting what was resolved, not a path: the engine gets every learner-influenced bind source
// (hostPath, subPath) as a staging path that the kubelet alone owns, onto which the kubelet has
// bind-mounted the descriptor safe-path.ts resolved. Whatever a container does to the original
// path after that (a symlink, a rename) cannot change what the staging path shows; this is how
// Kubernetes closed the subPath escape (CVE-2017-1002101).
//
// Layout: <pod dir>/mounts/<container>/<restart count>/<mount index>, beside (never inside) the
// Pod's volumes and outside the node directory, so no container can write there. A run's
// staging mounts exist only from before its create until its start returns: the runtime then
// holds its own copies in the container's mount namespace. Whatever a crash leaves behind is
// unmounted when the run, its container or its Pod is next handled, also after a restart.

import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ResolvedPath } from './safe-path.js';

const execFileAsync = promisify(execFile);

function stagingRoot(podDirectory: string): string {
  return join(podDirectory, 'mounts');
}

/** The staging directory of one container run. */
export function stagingRunDir(podDirectory: string, container: string, restartCount: number): string {
  return join(stagingRoot(podDirectory), container.replace(/[^a-zA-Z0-9_.-]/g, '-'), String(restartCount));
}

/**
 * Bind-mounts exactly the inode `resolved` holds onto `target` (created here: a directory or an
 * empty file, matching it), nodev and nosuid. The descriptor reaches mount(8) as its fd 3 and
 * `--no-canonicalize` keeps libmount from turning /proc/self/fd/3 back into a path string: the
 * kernel follows the magic link to the very inode that was checked.
 */
export async function bindResolved(resolved: ResolvedPath, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  if (resolved.kind === 'directory') await mkdir(target, { mode: 0o700 });
  else await writeFile(target, '', { flag: 'wx', mode: 0o600 });
  const child = spawn('mount', ['--bind', '--no-canonicalize', '-o', 'nodev,nosuid', '/proc/self/fd/3', target], {
    stdio: ['ignore', 'ignore', 'pipe', resolved.fd],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`mount --bind of ${resolved.relative} failed: ${stderr.trim() || `exit ${code}`}`);
}

/** Mount points at or beneath `dir`, deepest first, from the mount table. */
export function mountPointsBeneath(dir: string): string[] {
  const table = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = new Set<string>();
  for (const line of table.split('\n')) {
    const field = line.split(' ')[4];
    if (!field) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (point === dir || point.startsWith(`${dir}/`)) points.add(point);
  }
  return [...points].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or beneath `dir`, then removes it. Refuses to remove anything while a
 * mount is left: a recursive delete through a staging bind would delete the learner's files it
 * shows. Safe to repeat.
 */
export async function removeUnmounted(dir: string): Promise<void> {
  const points = mountPointsBeneath(dir);
  // Lazy: a mount still held by a dying container is detached at once and freed when released.
  if (points.length) await execFileAsync('umount', ['--lazy', '--no-canonicalize', ...points]).catch(() => undefined);
  const left = mountPointsBeneath(dir);
  if (left.length) throw new Error(`cannot remove ${dir}: still mounted at ${left.join(', ')}`);
  await rm(dir, { recursive: true, force: true });
}

/** The staging directories of every run of the Pod that has one (as stagingRunDir names them). */
export async function stagedRuns(podDirectory: string): Promise<string[]> {
  const root = stagingRoot(podDirectory);
  const runs: string[] = [];
  for (const container of await readdir(root).catch(() => [] as string[])) {
    for (const restart of await readdir(join(root, container)).catch(() => [] as string[])) runs.push(join(root, container, restart));
  }
  return runs;
}
