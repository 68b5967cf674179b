// The admin page's accounts list on a real SQLite database: staff first, learners paged by email.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { accountsPage, LEARNERS_PAGE_SIZE, parseAccountsPage } from './accounts-page';

const root = path.resolve(__dirname, '..', '..');

describe('accounts page', () => {
  let tmp: string;
  let db: Db;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-accounts-page-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    await db.user.createMany({
      data: [
        { email: 'zed@example.test', name: 'Zed', passwordHash: 'x', role: 'admin' },
        { email: 'amy@example.test', name: 'Amy', passwordHash: 'x', role: 'instructor' },
        ...Array.from({ length: LEARNERS_PAGE_SIZE * 2 + 5 }, (_, i) => ({ email: `l${String(i).padStart(3, '0')}@example.test`, name: `L${i}`, passwordHash: 'x' })),
      ],
    });
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows admins, then instructors, then one page of learners by email', async () => {
    const first = await accountsPage(db, 0);
    expect(first.total).toBe(LEARNERS_PAGE_SIZE * 2 + 7);
    expect(first.pages).toBe(3);
    expect(first.users.slice(0, 3).map((u) => u.email)).toEqual(['zed@example.test', 'amy@example.test', 'l000@example.test']);
    expect(first.users).toHaveLength(LEARNERS_PAGE_SIZE + 2);
    const last = await accountsPage(db, 2);
    expect(last.users.filter((u) => u.role === 'learner').map((u) => u.email)).toEqual(['l200@example.test', 'l201@example.test', 'l202@example.test', 'l203@example.test', 'l204@example.test']);
    expect(last.users[0]!.role).toBe('admin');
  });

  it('reads the page number from the URL, anything else is the first page', () => {
    expect(parseAccountsPage('2')).toBe(2);
    expect(parseAccountsPage(['3', '4'])).toBe(3);
    expect(parseAccountsPage(undefined)).toBe(0);
    expect(parseAccountsPage('-1')).toBe(0);
    expect(parseAccountsPage('1e9')).toBe(0);
    expect(parseAccountsPage('two')).toBe(0);
  });
});
