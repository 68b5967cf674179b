// Files in a sandbox's node directory, addressed as the node sees them (`/var/log/x.log`).
// Pods write into the node directory through hostPath volumes (symlinks, FIFOs, renames), so
// every access resolves the path race-free beneath it (safe-path.ts) and reads or writes the
// inode that was resolved: a link out of the node directory, or a FIFO that would block a
// check forever, is never opened.

import { closeSync, constants, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PathEscapeError, reopen, resolveBeneath, type ResolvedPath } from '../../embedded/kubelet/safe-path.js';
import { ProviderError } from '../provider.js';

function lexical(nodePath: string): string {
  if (!nodePath.startsWith('/')) throw new ProviderError('not_found', `node path must be absolute: ${nodePath}`);
  return path.posix.normalize(nodePath);
}

function leaves(nodePath: string): ProviderError {
  return new ProviderError('not_found', `node path leaves the node directory: ${nodePath}`);
}

export async function writeNodeFile(nodeDir: string, nodePath: string, content: string): Promise<void> {
  const relative = lexical(nodePath);
  await mkdir(nodeDir, { recursive: true });
  let file: ResolvedPath;
  try {
    file = resolveBeneath(nodeDir, relative, { create: 'file', mode: 0o644 });
  } catch (error) {
    if (error instanceof PathEscapeError) throw leaves(nodePath);
    throw error;
  }
  try {
    if (file.kind !== 'file') throw new ProviderError('not_found', `node path is not a regular file: ${nodePath}`);
    const fd = reopen(file, constants.O_WRONLY);
    try {
      ftruncateSync(fd, 0);
      const bytes = Buffer.from(content);
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } finally {
      closeSync(fd);
    }
  } finally {
    file.close();
  }
}

export async function readNodeFile(nodeDir: string, nodePath: string): Promise<string | undefined> {
  const relative = lexical(nodePath);
  let file: ResolvedPath;
  try {
    file = resolveBeneath(nodeDir, relative);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof PathEscapeError || code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    throw error;
  }
  try {
    if (file.kind !== 'file') return undefined;
    const fd = reopen(file, constants.O_RDONLY);
    try {
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } finally {
    file.close();
  }
}
