// The raw-SQL helpers follow the client, even when the module that asks is another instance of
// lib/db/client than the one that made it (Next bundles it into several server chunks).
import { Prisma as PostgresPrisma } from '.prisma/client-postgresql';
import { Prisma as SqlitePrisma } from '@prisma/client';
import { describe, expect, it, vi } from 'vitest';

describe('sqlOf', () => {
  it("answers with the client's own helpers from another instance of the module", async () => {
    const made = await import('./client');
    const postgres = made.createDb({ kind: 'postgresql', url: 'postgresql://nobody@127.0.0.1:1/none' });
    const sqlite = made.createDb({ kind: 'sqlite', file: ':memory:' });
    vi.resetModules();
    const other = await import('./client');
    expect(other).not.toBe(made);
    expect(other.sqlOf(postgres)).toBe(PostgresPrisma);
    expect(other.sqlOf(sqlite)).toBe(SqlitePrisma);
    // A fragment made by the PostgreSQL helpers nests as SQL, not as a parameter.
    const { sql, raw } = other.sqlOf(postgres);
    const query = sql`SELECT 1 FROM "User" u ${sql`JOIN "Reveal" r ON r."userId" = ${raw('u."id"')}`} WHERE u."id" = ${'x'}`;
    expect(query.text).toBe('SELECT 1 FROM "User" u JOIN "Reveal" r ON r."userId" = u."id" WHERE u."id" = $1');
    await Promise.all([postgres.$disconnect(), sqlite.$disconnect()]);
  });
});
