// Prisma CLI configuration for the derived PostgreSQL schema, used by prisma/generate.ts and to
// make the PostgreSQL migration SQL (`migrate diff --from-... --script`, which connects to
// nothing). The SQL is applied by prisma/deploy.ts through the pg driver adapter: the adapter's
// `migrate deploy` fails on this Prisma version.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'schema.prisma'),
  migrations: { path: path.join(__dirname, '..', 'migrations', 'postgresql') },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost/kubelab' });
  },
});
