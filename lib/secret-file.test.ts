import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuthSecret, writeSecretOnce } from './secret-file';

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-secret-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('resolveAuthSecret', () => {
  it('prefers AUTH_SECRET from the environment and writes nothing', () => {
    const dir = tmp();
    expect(resolveAuthSecret('x'.repeat(40), dir)).toBe('x'.repeat(40));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('generates a secret once, owner-readable only, and reuses it', () => {
    const dir = path.join(tmp(), 'data');
    const first = resolveAuthSecret(undefined, dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(path.join(dir, 'auth-secret')).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret(undefined, dir)).toBe(first);
  });

  it('never overwrites an existing secret file', () => {
    const file = path.join(tmp(), 's');
    expect(writeSecretOnce(file, 'one')).toEqual({ content: 'one', created: true });
    expect(writeSecretOnce(file, 'two')).toEqual({ content: 'one', created: false });
  });
});
