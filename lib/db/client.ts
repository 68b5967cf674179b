// Creates the Prisma client for a DatabaseTarget. Each provider has its own generated client
// (prisma/generate.ts): @prisma/client for SQLite, .prisma/client-postgresql for PostgreSQL.
// Both come from the same models, so the app is written against one type, `Db`.
import { Prisma as SqlitePrisma, PrismaClient as SqlitePrismaClient } from '@prisma/client';
import { Prisma as PostgresPrisma, PrismaClient as PostgresPrismaClient } from '.prisma/client-postgresql';
import type { DatabaseTarget } from './database-url';
import { adapterFactoryFor } from './adapter';

export type Db = SqlitePrismaClient;

// The client carries its kind under a registry symbol rather than in a module-local map: Next
// bundles this module into several server chunks, each with its own module state, while the
// client itself is shared (lib/db/index.ts keeps it on globalThis).
const KIND = Symbol.for('kubelab.db.kind');

function markKind<T extends object>(client: T, kind: DatabaseTarget['kind']): T {
  Object.defineProperty(client, KIND, { value: kind, enumerable: false });
  return client;
}

export function createDb(target: DatabaseTarget): Db {
  const adapter = adapterFactoryFor(target);
  if (target.kind === 'sqlite') {
    return markKind(new SqlitePrismaClient({ adapter }), 'sqlite');
  }
  // The PostgreSQL client is generated from the identical model (derivePostgresSchema), so its
  // delegates accept and return the same shapes; only provider-only options differ, which the
  // app does not use. The PostgreSQL integration test runs real queries through this path.
  return markKind(new PostgresPrismaClient({ adapter }), 'postgresql') as unknown as Db;
}

/**
 * The raw-SQL helpers (sql, join, raw) of `db`'s own generated client. Each client checks that
 * nested fragments are its own runtime's Sql objects, so fragments made by the other client's
 * helpers would be sent as parameters instead of SQL.
 */
export function sqlOf(db: Db): Pick<typeof SqlitePrisma, 'sql' | 'join' | 'raw' | 'empty'> {
  return (db as unknown as Record<symbol, unknown>)[KIND] === 'postgresql' ? (PostgresPrisma as unknown as typeof SqlitePrisma) : SqlitePrisma;
}
