import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNodeFile, writeNodeFile } from './node-files.js';

let nodeDir: string;
let outside: string;

beforeAll(async () => {
  nodeDir = await mkdtemp(path.join(tmpdir(), 'kubelab-node-'));
  outside = await mkdtemp(path.join(tmpdir(), 'kubelab-outside-'));
  await writeFile(path.join(outside, 'secret'), 'host secret');
});
afterAll(async () => {
  await rm(nodeDir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('node directory files', () => {
  it('writes and reads paths as the node sees them', async () => {
    await writeNodeFile(nodeDir, '/var/log/app/1.log', 'hello\n');
    expect(await readNodeFile(nodeDir, '/var/log/app/1.log')).toBe('hello\n');
    expect(await readNodeFile(nodeDir, '/var/log/missing.log')).toBeUndefined();
    expect(await readNodeFile(nodeDir, '/var/log')).toBeUndefined();
  });

  it('never follows a symlink out of the node directory', async () => {
    await symlink(path.join(outside, 'secret'), path.join(nodeDir, 'escape'));
    expect(await readNodeFile(nodeDir, '/escape')).toBeUndefined();
    await symlink(outside, path.join(nodeDir, 'dir-escape'));
    await expect(writeNodeFile(nodeDir, '/dir-escape/planted', 'x')).rejects.toThrow(/leaves the node directory/);
    expect(await readNodeFile(nodeDir, '/../../etc/passwd')).toBeUndefined();
  });
});
