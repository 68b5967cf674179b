// Generates both Prisma clients the app can run on: SQLite (prisma/schema.prisma, the source
// of truth, into @prisma/client) and PostgreSQL (prisma/postgresql/schema.prisma, derived from
// it here, into node_modules/.prisma/client-postgresql). Run before `next build`:
//   npx tsx prisma/generate.ts
// The CLI connects to nothing here; DATABASE_URL only has to have the right scheme.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { derivePostgresSchema } from '../lib/db/postgres-schema';

const root = path.resolve(__dirname, '..');
const sqliteSchema = path.join(root, 'prisma', 'schema.prisma');
const postgresSchema = path.join(root, 'prisma', 'postgresql', 'schema.prisma');

const derived = derivePostgresSchema(fs.readFileSync(sqliteSchema, 'utf8'));
fs.mkdirSync(path.dirname(postgresSchema), { recursive: true });
if (!fs.existsSync(postgresSchema) || fs.readFileSync(postgresSchema, 'utf8') !== derived) {
  fs.writeFileSync(postgresSchema, derived);
  console.log(`[generate] wrote ${path.relative(root, postgresSchema)}`);
}

const prisma = path.join(root, 'node_modules', '.bin', 'prisma');
for (const [schema, config, url] of [
  [sqliteSchema, path.join(root, 'prisma.config.ts'), 'file:./data/kubelab.db'],
  [postgresSchema, path.join(root, 'prisma', 'postgresql', 'prisma.config.ts'), 'postgresql://kubelab@localhost/kubelab'],
] as const) {
  execFileSync(prisma, ['generate', '--config', config, '--schema', schema], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  console.log(`[generate] Prisma client for ${path.relative(root, schema)}`);
}
