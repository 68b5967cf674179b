// Prisma CLI configuration for the default (SQLite) schema. The app itself never needs the
// CLI at run time: prisma/deploy.ts applies the committed SQL migrations through the driver
// adapters, for SQLite and PostgreSQL alike.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { sqliteFilePath } from './lib/db/database-url';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations', 'sqlite') },
  async adapter() {
    const url = process.env.DATABASE_URL ?? 'file:./data/kubelab.db';
    return new PrismaBetterSQLite3({ url: sqliteFilePath(url, process.cwd()) });
  },
});
