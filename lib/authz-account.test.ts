// The account behind a session on real databases (SQLite and PostgreSQL, committed migrations):
// an admin's role change or disabling, made through lib/accounts as the admin page makes it, is
// what the very next request sees. Nothing here may keep an account between requests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeRole, setDisabled } from './accounts';
import { enabledAccount } from './authz-account';
import { createDb, type Db } from './db/client';
import type { DatabaseTarget } from './db/database-url';
import { applyMigrations } from './db/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from './db/throwaway-postgres';

const root = path.resolve(__dirname, '..');

describe.each(['sqlite', 'postgresql'] as const)('the session account on %s', (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let db: Db;
  let adminId: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-authz-account-'));
    pg = kind === 'postgresql' ? startThrowawayPostgres() : undefined;
    const target: DatabaseTarget = pg ? { kind: 'postgresql', url: pg.url } : { kind: 'sqlite', file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    adminId = (await db.user.create({ data: { email: 'admin@example.test', name: 'Admin', passwordHash: 'x', role: 'admin' } })).id;
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the account as stored, and nothing for an unknown id', async () => {
    const user = await db.user.create({ data: { email: 'ana@example.test', name: 'Ana', passwordHash: 'x', locale: 'zh-CN' } });
    expect(await enabledAccount(db, user.id)).toEqual({ id: user.id, email: 'ana@example.test', name: 'Ana', role: 'learner', locale: 'zh-CN' });
    expect(await enabledAccount(db, 'no-such-user')).toBeNull();
  });

  it('sees a demotion and a disabling on the very next read, and a re-enabling too', async () => {
    const user = await db.user.create({ data: { email: 'ben@example.test', name: 'Ben', passwordHash: 'x', role: 'instructor' } });
    expect((await enabledAccount(db, user.id))?.role).toBe('instructor');

    expect((await changeRole(db, adminId, user.id, 'learner')).ok).toBe(true);
    expect((await enabledAccount(db, user.id))?.role).toBe('learner');

    expect((await setDisabled(db, adminId, user.id, true)).ok).toBe(true);
    expect(await enabledAccount(db, user.id)).toBeNull();

    expect((await setDisabled(db, adminId, user.id, false)).ok).toBe(true);
    expect((await enabledAccount(db, user.id))?.email).toBe('ben@example.test');
  });
});
