// One place that turns a DatabaseTarget into a Prisma driver adapter factory: better-sqlite3
// for SQLite files, pg for PostgreSQL. Used by the app's client and by the migration runner.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseTarget } from './database-url';

export type AdapterFactory = PrismaBetterSQLite3 | PrismaPg;
export type SqlAdapter = Awaited<ReturnType<AdapterFactory['connect']>>;

export function adapterFactoryFor(target: DatabaseTarget): AdapterFactory {
  if (target.kind === 'sqlite') {
    // better-sqlite3 creates the file but not its directory (data/ on a fresh clone).
    fs.mkdirSync(path.dirname(target.file), { recursive: true });
    return new PrismaBetterSQLite3({ url: target.file });
  }
  return new PrismaPg({ connectionString: target.url });
}
