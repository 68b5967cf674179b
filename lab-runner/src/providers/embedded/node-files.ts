// Files in a sandbox's node directory, addressed as the node sees them (`/var/log/x.log`).
// Pods can create symlinks there through hostPath volumes, so every access resolves real
// paths and refuses anything that leaves the node directory.

import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from '../provider.js';

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(`${root}${path.sep}`);
}

function lexical(nodeDir: string, nodePath: string): string {
  if (!nodePath.startsWith('/')) throw new ProviderError('not_found', `node path must be absolute: ${nodePath}`);
  const target = path.resolve(nodeDir, `.${path.posix.normalize(nodePath)}`);
  if (!inside(path.resolve(nodeDir), target)) throw new ProviderError('not_found', `node path leaves the node directory: ${nodePath}`);
  return target;
}

export async function writeNodeFile(nodeDir: string, nodePath: string, content: string): Promise<void> {
  const root = await realpath(nodeDir);
  const target = lexical(root, nodePath);
  await mkdir(path.dirname(target), { recursive: true });
  const parent = await realpath(path.dirname(target));
  if (!inside(root, parent)) throw new ProviderError('not_found', `node path leaves the node directory: ${nodePath}`);
  await writeFile(target, content);
}

export async function readNodeFile(nodeDir: string, nodePath: string): Promise<string | undefined> {
  const root = await realpath(nodeDir);
  const target = lexical(root, nodePath);
  let real: string;
  try {
    real = await realpath(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!inside(root, real)) return undefined;
  try {
    return await readFile(real, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw error;
  }
}
