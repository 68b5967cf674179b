// Assembles an image's root filesystem from files on this machine: host binaries with the
// shared libraries `ldd` says they need, generated files, directories and symlinks. The
// result is a sorted list of tar entries plus a content hash that changes exactly when the
// bytes of the image would.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import type { TarEntry } from './tar-writer.js';

const execFileAsync = promisify(execFile);

export class ImageBuildError extends Error {
  readonly code = 'IMAGE_BUILD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The shared libraries (and the dynamic loader) a host binary loads; [] for a static binary. */
async function sharedLibraries(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ldd', [binary], { encoding: 'utf8' }));
  } catch (error) {
    const out = String((error as { stdout?: string }).stdout ?? '') + String((error as { stderr?: string }).stderr ?? '');
    if (/not a dynamic executable|statically linked/.test(out)) return [];
    throw new ImageBuildError(`ldd ${binary} failed: ${out.trim() || String(error)}`);
  }
  if (/statically linked/.test(stdout)) return [];
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    const arrow = /=>\s+(\/\S+)\s+\(/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(/.exec(line);
    const lib = arrow?.[1] ?? direct?.[1];
    if (lib) libs.push(lib);
    else if (/=>\s+not found/.test(line)) throw new ImageBuildError(`${binary} needs a library that is missing: ${line.trim()}`);
  }
  return libs;
}

export class Rootfs {
  private readonly entries = new Map<string, TarEntry>();
  private readonly hashes = new Map<string, string>();

  private normalise(path: string): string {
    const clean = posix.normalize(`/${path}`).replace(/^\/+/, '').replace(/\/+$/, '');
    if (!clean || clean.startsWith('..')) throw new ImageBuildError(`bad path in image: ${path}`);
    return clean;
  }

  private ensureParents(path: string): void {
    const parent = posix.dirname(path);
    if (parent === '.' || parent === '') return;
    if (!this.entries.has(parent)) {
      this.ensureParents(parent);
      this.entries.set(parent, { type: 'dir', path: parent, mode: 0o755 });
    }
  }

  dir(path: string, mode = 0o755): this {
    const p = this.normalise(path);
    this.ensureParents(p);
    this.entries.set(p, { type: 'dir', path: p, mode });
    return this;
  }

  file(path: string, content: string | Buffer, mode = 0o644): this {
    const p = this.normalise(path);
    this.ensureParents(p);
    this.entries.set(p, { type: 'file', path: p, mode, content: Buffer.isBuffer(content) ? content : Buffer.from(content) });
    return this;
  }

  symlink(path: string, target: string): this {
    const p = this.normalise(path);
    this.ensureParents(p);
    this.entries.set(p, { type: 'symlink', path: p, target });
    return this;
  }

  has(path: string): boolean {
    return this.entries.has(this.normalise(path));
  }

  /** Copies a host file (symlinks resolved) to `path` in the image. */
  async hostFile(source: string, path: string, mode?: number): Promise<this> {
    const real = await realpath(source).catch(() => {
      throw new ImageBuildError(`${source} does not exist on this machine`);
    });
    const info = await stat(real);
    if (!info.isFile()) throw new ImageBuildError(`${source} is not a regular file`);
    const p = this.normalise(path);
    this.ensureParents(p);
    this.entries.set(p, { type: 'hostFile', path: p, mode: mode ?? (info.mode & 0o777), source: real, size: info.size });
    this.hashes.set(p, await sha256OfFile(real));
    return this;
  }

  /** Copies a host binary and every shared library it loads, at the paths `ldd` reports. */
  async hostBinary(source: string, path: string): Promise<this> {
    await this.hostFile(source, path, 0o755);
    for (const lib of await sharedLibraries(source)) {
      if (!this.has(lib)) await this.hostFile(lib, lib, 0o755);
    }
    return this;
  }

  /** Entries sorted by path, so parents precede children and the order is stable. */
  list(): TarEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A sha256 over every entry's path, type, mode and bytes (host files by their content hash). */
  contentHash(extra: unknown): string {
    const hash = createHash('sha256');
    for (const entry of this.list()) {
      hash.update(`${entry.type}\0${entry.path}\0`);
      if (entry.type === 'symlink') hash.update(`${entry.target}\0`);
      else hash.update(`${entry.mode.toString(8)}\0`);
      if (entry.type === 'file') hash.update(entry.content);
      if (entry.type === 'hostFile') hash.update(this.hashes.get(entry.path) ?? '');
      hash.update('\n');
    }
    hash.update(JSON.stringify(extra));
    return hash.digest('hex');
  }
}
