// Creates the Prisma client for a DatabaseTarget. Each provider has its own generated client
// (prisma/generate.ts): @prisma/client for SQLite, .prisma/client-postgresql for PostgreSQL.
// Both come from the same models, so the app is written against one type, `Db`.
import { Prisma as SqlitePrisma, PrismaClient as SqlitePrismaClient } from '@prisma/client';
import { Prisma as PostgresPrisma, PrismaClient as PostgresPrismaClient } from '.prisma/client-postgresql';
import type { DatabaseTarget } from './database-url';
import { adapterFactoryFor } from './adapter';

export type Db = SqlitePrismaClient;

const kinds = new WeakMap<object, DatabaseTarget['kind']>();

export function createDb(target: DatabaseTarget): Db {
  const adapter = adapterFactoryFor(target);
  if (target.kind === 'sqlite') {
    const client = new SqlitePrismaClient({ adapter });
    kinds.set(client, 'sqlite');
    return client;
  }
  // The PostgreSQL client is generated from the identical model (derivePostgresSchema), so its
  // delegates accept and return the same shapes; only provider-only options differ, which the
  // app does not use. The PostgreSQL integration test runs real queries through this path.
  const client = new PostgresPrismaClient({ adapter }) as unknown as Db;
  kinds.set(client, 'postgresql');
  return client;
}

/**
 * The raw-SQL helpers (sql, join, raw) of `db`'s own generated client. Each client checks that
 * nested fragments are its own runtime's Sql objects, so fragments made by the other client's
 * helpers would be sent as parameters instead of SQL.
 */
export function sqlOf(db: Db): Pick<typeof SqlitePrisma, 'sql' | 'join' | 'raw' | 'empty'> {
  return kinds.get(db) === 'postgresql' ? (PostgresPrisma as unknown as typeof SqlitePrisma) : SqlitePrisma;
}
