// Applies the committed SQL migrations (prisma/migrations/<provider>/<name>/migration.sql) in
// name order, each at most once, recording them in Prisma's own `_prisma_migrations` table so
// the standard Prisma CLI agrees about what is applied. Idempotent: a second run applies nothing.
//
// Statements are split by sql-statements.ts, which never splits inside a quoted or $$ body.
// Prisma's own `migrate deploy` is not used: through @prisma/adapter-pg 6.19.3 it fails here
// ("Column type 'name' could not be deserialized"), and one runner for both databases keeps
// them migrated alike.
//
// PostgreSQL: everything runs in one transaction under an advisory lock, so two starting
// processes cannot both apply a migration and a failing migration leaves nothing behind.
// SQLite: scripts run as Prisma's own migrate runs them, outside a transaction, because
// Prisma's table-rebuild migrations switch `PRAGMA foreign_keys` off, which a transaction ignores
// (and a DROP TABLE with foreign keys on would cascade-delete rows).
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseTarget } from './database-url';
import { adapterFactoryFor, type SqlAdapter } from './adapter';
import { splitStatements } from './sql-statements';

export class MigrationError extends Error {
  constructor(
    readonly code: 'MIGRATION_FAILED' | 'MIGRATION_MODIFIED' | 'MIGRATION_PREVIOUSLY_FAILED' | 'MIGRATIONS_MISSING',
    message: string,
  ) {
    super(message);
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

type Queryable = Pick<SqlAdapter, 'queryRaw' | 'executeRaw'>;

const HISTORY_DDL = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`,
} as const;

// An arbitrary constant key for pg_advisory_xact_lock: "kubelab" in ASCII.
const PG_LOCK_KEY = 0x6b7562656c6162;

export function migrationsDir(root: string, kind: DatabaseTarget['kind']): string {
  return path.join(root, 'prisma', 'migrations', kind);
}

export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new MigrationError('MIGRATIONS_MISSING', `no migrations directory at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const q = (sql: string, args: unknown[] = []) => ({
  sql,
  args,
  argTypes: args.map(() => ({ scalarType: 'string' as const, arity: 'scalar' as const })),
});

async function history(db: Queryable, kind: DatabaseTarget['kind']) {
  await db.executeRaw(q(HISTORY_DDL[kind]));
  const rs = await db.queryRaw(
    q('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL'),
  );
  const col = (n: string) => rs.columnNames.indexOf(n);
  return rs.rows.map((r) => ({
    name: String(r[col('migration_name')]),
    checksum: String(r[col('checksum')]),
    finished: r[col('finished_at')] !== null && r[col('finished_at')] !== undefined,
  }));
}

function pending(all: Migration[], done: Awaited<ReturnType<typeof history>>): Migration[] {
  const byName = new Map(done.map((d) => [d.name, d]));
  for (const d of done) {
    if (!d.finished) {
      throw new MigrationError(
        'MIGRATION_PREVIOUSLY_FAILED',
        `migration ${d.name} failed earlier and the database may be half-migrated: fix it by hand, then delete its row from _prisma_migrations`,
      );
    }
  }
  for (const m of all) {
    const d = byName.get(m.name);
    if (d && d.checksum !== m.checksum) {
      throw new MigrationError('MIGRATION_MODIFIED', `migration ${m.name} was changed after it was applied; add a new migration instead`);
    }
  }
  return all.filter((m) => !byName.has(m.name));
}

export async function applyMigrations(target: DatabaseTarget, root: string): Promise<MigrateResult> {
  const migrations = readMigrations(migrationsDir(root, target.kind));
  const adapter = await adapterFactoryFor(target).connect();
  try {
    return target.kind === 'postgresql'
      ? await applyPostgres(adapter, migrations)
      : await applySqlite(adapter, migrations);
  } finally {
    await adapter.dispose();
  }
}

async function applyPostgres(adapter: SqlAdapter, migrations: Migration[]): Promise<MigrateResult> {
  // The adapter's transaction only pins one pooled connection; BEGIN/COMMIT/ROLLBACK are ours
  // to send (Prisma's engine sends them itself when it drives the adapter).
  const tx = await adapter.startTransaction();
  try {
    await tx.executeRaw(q('BEGIN'));
    await tx.executeRaw(q(`SELECT pg_advisory_xact_lock(${PG_LOCK_KEY})`));
    const done = await history(tx, 'postgresql');
    const toApply = pending(migrations, done);
    for (const m of toApply) {
      const statements = splitStatements(m.sql);
      for (const s of statements) {
        try {
          await tx.executeRaw(q(s));
        } catch (e) {
          throw new MigrationError('MIGRATION_FAILED', `migration ${m.name} failed: ${(e as Error).message}\n  in: ${s.slice(0, 200)}`);
        }
      }
      await tx.executeRaw(
        q(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), ${statements.length})`,
          [randomUUID(), m.checksum, m.name],
        ),
      );
    }
    await tx.executeRaw(q('COMMIT'));
    await tx.commit();
    return { applied: toApply.map((m) => m.name), alreadyApplied: done.length };
  } catch (e) {
    await tx.executeRaw(q('ROLLBACK')).catch(() => undefined);
    await tx.rollback();
    throw e;
  }
}

async function applySqlite(adapter: SqlAdapter, migrations: Migration[]): Promise<MigrateResult> {
  const done = await history(adapter, 'sqlite');
  const toApply = pending(migrations, done);
  for (const m of toApply) {
    const id = randomUUID();
    await adapter.executeRaw(
      q('INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES (?, ?, ?)', [id, m.checksum, m.name]),
    );
    try {
      await adapter.executeScript(m.sql);
    } catch (e) {
      const message = (e as Error).message;
      await adapter.executeRaw(q('UPDATE "_prisma_migrations" SET logs = ? WHERE id = ?', [message, id]));
      throw new MigrationError('MIGRATION_FAILED', `migration ${m.name} failed: ${message}`);
    }
    await adapter.executeRaw(
      q(
        `UPDATE "_prisma_migrations" SET finished_at = current_timestamp, applied_steps_count = ${splitStatements(m.sql).length} WHERE id = ?`,
        [id],
      ),
    );
  }
  return { applied: toApply.map((m) => m.name), alreadyApplied: done.length };
}
