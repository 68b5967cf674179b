// Writes the next migration for both providers after prisma/schema.prisma changed:
//   npx tsx prisma/new-migration.ts <name>
// Each SQLite migration directory keeps the schema it leads to (schema.prisma), so the next
// migration is a diff between two datamodels; no migrated database is needed. The PostgreSQL
// diff needs a connection for Prisma's JS schema engine: a throwaway cluster is started.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { derivePostgresSchema } from '../lib/db/postgres-schema';
import { readMigrations } from '../lib/db/migrate';
import { sameDatamodel } from '../lib/db/schema-snapshot';
import { startThrowawayPostgres } from '../lib/db/throwaway-postgres';

const root = path.resolve(__dirname, '..');
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
const sqliteDir = path.join(root, 'prisma', 'migrations', 'sqlite');
const postgresDir = path.join(root, 'prisma', 'migrations', 'postgresql');

const slug = (process.argv[2] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
if (!slug) {
  console.error('usage: npx tsx prisma/new-migration.ts <name>   (e.g. add_sandbox_provider)');
  process.exit(2);
}

const current = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
const latest = readMigrations(sqliteDir).at(-1);
if (!latest) throw new Error(`no migrations in ${sqliteDir}`);
const previous = fs.readFileSync(path.join(sqliteDir, latest.name, 'schema.prisma'), 'utf8');
if (sameDatamodel(previous, current)) {
  console.log(`[new-migration] prisma/schema.prisma is unchanged since ${latest.name}: nothing to do`);
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-migration-'));
const pg = startThrowawayPostgres();
try {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `${stamp}_${slug}`;
  const diff = (from: string, to: string, config: string, url: string) =>
    execFileSync(prismaBin, ['migrate', 'diff', '--config', config, '--from-schema-datamodel', from, '--to-schema-datamodel', to, '--script'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });

  const previousSqlite = path.join(tmp, 'previous.prisma');
  const previousPostgres = path.join(tmp, 'previous-postgresql.prisma');
  const currentPostgres = path.join(root, 'prisma', 'postgresql', 'schema.prisma');
  fs.writeFileSync(previousSqlite, previous);
  fs.writeFileSync(previousPostgres, derivePostgresSchema(previous));
  fs.writeFileSync(currentPostgres, derivePostgresSchema(current));

  const sqliteSql = diff(previousSqlite, path.join(root, 'prisma', 'schema.prisma'), path.join(root, 'prisma.config.ts'), `file:${path.join(tmp, 'unused.db')}`);
  const postgresSql = diff(previousPostgres, currentPostgres, path.join(root, 'prisma', 'postgresql', 'prisma.config.ts'), pg.url);

  for (const [dir, sql] of [[sqliteDir, sqliteSql], [postgresDir, postgresSql]] as const) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  fs.writeFileSync(path.join(sqliteDir, name, 'schema.prisma'), current);
  console.log(`[new-migration] wrote prisma/migrations/{sqlite,postgresql}/${name}/migration.sql; review both, then run npx tsx prisma/generate.ts`);
} finally {
  pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
