import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathEscapeError, resolveBeneath } from './safe-path.js';
import { bindResolved, mountPointsBeneath, removeUnmounted } from './staging-mounts.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'kubelab-safe-path-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'a/b'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'host secret');
  writeFileSync(join(root, 'a/b/file'), 'inside');
});

afterAll(async () => {
  await removeUnmounted(join(root, '..', 'staging'));
  rmSync(join(root, '..'), { recursive: true, force: true });
});

const kindOf = (path: string) => {
  const resolved = resolveBeneath(root, path);
  try {
    return [resolved.kind, resolved.relative];
  } finally {
    resolved.close();
  }
};

describe('resolveBeneath', () => {
  it('opens what lies below the root and follows relative links that stay inside', () => {
    expect(kindOf('/a/b/file')).toEqual(['file', 'a/b/file']);
    expect(kindOf('')).toEqual(['directory', '.']);
    symlinkSync('b/file', join(root, 'a/rel'));
    expect(kindOf('a/rel')).toEqual(['file', 'a/b/file']);
    symlinkSync('../a/b', join(root, 'a/up'));
    expect(kindOf('a/up/../b/file')).toEqual(['file', 'a/b/file']);
  });

  it('refuses absolute links and any way above the root, and loops', () => {
    symlinkSync(outside, join(root, 'abs'));
    symlinkSync('../../outside', join(root, 'a/climb'));
    symlinkSync('loop', join(root, 'loop'));
    expect(() => resolveBeneath(root, 'abs/secret')).toThrow(PathEscapeError);
    expect(() => resolveBeneath(root, 'a/climb/secret')).toThrow(PathEscapeError);
    expect(() => resolveBeneath(root, '../outside/secret')).toThrow(PathEscapeError);
    expect(() => resolveBeneath(root, 'loop')).toThrow(/ELOOP/);
    expect(() => resolveBeneath(root, 'a/b/file/x')).toThrow(/ENOTDIR/);
    expect(() => resolveBeneath(root, 'abs/new', { create: 'directory' })).toThrow(PathEscapeError);
    expect(readdirSync(outside)).toEqual(['secret']);
  });

  it('creates what is missing as directories or a file, never through a link', () => {
    resolveBeneath(root, 'made/deep/dir', { create: 'directory' }).close();
    resolveBeneath(root, 'made/file', { create: 'file' }).close();
    expect(kindOf('made/deep/dir')[0]).toBe('directory');
    expect(kindOf('made/file')[0]).toBe('file');
  });

  it('binds the inode it resolved, even when the path is swapped for a link before the mount', async () => {
    mkdirSync(join(root, 'swap'));
    writeFileSync(join(root, 'swap/marker'), 'the checked directory');
    const resolved = resolveBeneath(root, 'swap');
    try {
      renameSync(join(root, 'swap'), join(root, 'moved'));
      symlinkSync(outside, join(root, 'swap'));
      const target = join(root, '..', 'staging', 'run', '0');
      await bindResolved(resolved, target);
      expect(readdirSync(target)).toEqual(['marker']);
      expect(readFileSync(join(target, 'marker'), 'utf8')).toBe('the checked directory');
      expect(mountPointsBeneath(join(root, '..', 'staging'))).toEqual([target]);
      expect(execFileSync('findmnt', ['-no', 'OPTIONS', target], { encoding: 'utf8' })).toMatch(/nosuid,nodev/);
    } finally {
      resolved.close();
    }
    await removeUnmounted(join(root, '..', 'staging'));
    expect(mountPointsBeneath(join(root, '..', 'staging'))).toEqual([]);
    expect(readdirSync(join(root, 'moved'))).toEqual(['marker']);
  });
});
