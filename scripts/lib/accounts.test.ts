import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeededCredentials, seededAccountsNotice } from './accounts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(lines: string[] | undefined): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-accounts-'));
  dirs.push(dir);
  if (lines) writeFileSync(path.join(dir, 'seeded-credentials'), lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  return dir;
}

describe('seededAccountsNotice', () => {
  const env = {};

  it('prints a generated password on the start that created the account', () => {
    const dir = dataDir(undefined);
    const before = readSeededCredentials(dir);
    writeFileSync(path.join(dir, 'seeded-credentials'), 'admin admin@kubelab.local S3cret-Admin-pw\ninstructor instructor@kubelab.local S3cret-Instr-pw\n');
    const text = seededAccountsNotice(dir, env, before).join('\n');
    expect(text).toContain('S3cret-Admin-pw');
    expect(text).toContain('S3cret-Instr-pw');
  });

  it('never again on later starts: it says where the password is kept', () => {
    const dir = dataDir(['admin admin@kubelab.local S3cret-Admin-pw', 'instructor instructor@kubelab.local S3cret-Instr-pw']);
    const text = seededAccountsNotice(dir, env, readSeededCredentials(dir)).join('\n');
    expect(text).not.toContain('S3cret');
    expect(text).toContain(`generated password in ${path.join(dir, 'seeded-credentials')}`);
  });

  it('names accounts whose password came from the environment', () => {
    const dir = dataDir(undefined);
    const text = seededAccountsNotice(dir, { KUBELAB_ADMIN_EMAIL: 'root@example.test' }, new Map()).join('\n');
    expect(text).toContain('root@example.test  (password from the environment)');
  });
});
