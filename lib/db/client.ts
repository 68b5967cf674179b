// Creates the Prisma client for a DatabaseTarget. Each provider has its own generated client
// (prisma/generate.ts): @prisma/client for SQLite, .prisma/client-postgresql for PostgreSQL.
// Both come from the same models, so the app is written against one type, `Db`.
import { PrismaClient as SqlitePrismaClient } from '@prisma/client';
import { PrismaClient as PostgresPrismaClient } from '.prisma/client-postgresql';
import type { DatabaseTarget } from './database-url';
import { adapterFactoryFor } from './adapter';

export type Db = SqlitePrismaClient;

export function createDb(target: DatabaseTarget): Db {
  const adapter = adapterFactoryFor(target);
  if (target.kind === 'sqlite') return new SqlitePrismaClient({ adapter });
  // The PostgreSQL client is generated from the identical model (derivePostgresSchema), so its
  // delegates accept and return the same shapes; only provider-only options differ, which the
  // app does not use. The PostgreSQL integration test runs real queries through this path.
  return new PostgresPrismaClient({ adapter }) as unknown as Db;
}
