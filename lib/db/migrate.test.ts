// The migration runner against both real databases: a migration whose statements hold
// semicolons at line ends inside quoted strings, a $$ function body and a SQLite trigger
// body is applied whole, statement by statement, and counted as Prisma counts its steps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFactoryFor } from './adapter';
import type { DatabaseTarget } from './database-url';
import { applyMigrations } from './migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres';

const MIGRATIONS = {
  postgresql: `-- A default with a semicolon at a line end
CREATE TABLE "note" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL DEFAULT 'first;
second');

CREATE FUNCTION "note_length"(n "note") RETURNS integer AS $$
BEGIN
  RETURN length(n.body);
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION "tagged"() RETURNS text AS $body$ SELECT 'a;
b' $body$ LANGUAGE sql;

INSERT INTO "note" ("id") VALUES (1);
`,
  sqlite: `-- A default with a semicolon at a line end
CREATE TABLE "note" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL DEFAULT 'first;
second', "edits" INTEGER NOT NULL DEFAULT 0);

CREATE TRIGGER "note_edits" AFTER UPDATE OF "body" ON "note" BEGIN
  UPDATE "note" SET "edits" = "edits" + 1 WHERE "id" = NEW."id";
END;

INSERT INTO "note" ("id") VALUES (1);
UPDATE "note" SET "body" = 'third;
fourth' WHERE "id" = 1;
`,
} as const;

const q = (sql: string) => ({ sql, args: [], argTypes: [] });

describe.each(['sqlite', 'postgresql'] as const)('migration runner on %s', (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let target: DatabaseTarget;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-migrate-'));
    const dir = path.join(tmp, 'prisma', 'migrations', kind, '20260101000000_bodies');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), MIGRATIONS[kind]);
    if (kind === 'postgresql') {
      pg = startThrowawayPostgres();
      target = { kind, url: pg.url };
    } else {
      target = { kind, file: path.join(tmp, 'k.db') };
    }
  });

  afterAll(() => {
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('never splits a statement inside a quoted or $$ body', async () => {
    expect(await applyMigrations(target, tmp)).toEqual({ applied: ['20260101000000_bodies'], alreadyApplied: 0 });
    const db = await adapterFactoryFor(target).connect();
    try {
      // The SQLite adapter hands integers back as strings: compare as text.
      const read = async (sql: string) => (await db.queryRaw(q(sql))).rows[0]?.map(String);
      if (kind === 'postgresql') {
        expect(await read('SELECT "body", "note_length"("note") FROM "note"')).toEqual(['first;\nsecond', '13']);
        expect(await read('SELECT "tagged"()')).toEqual(['a;\nb']);
      } else {
        expect(await read('SELECT "body", "edits" FROM "note"')).toEqual(['third;\nfourth', '1']);
      }
      expect(await read('SELECT "applied_steps_count" FROM "_prisma_migrations"')).toEqual(['4']);
    } finally {
      await db.dispose();
    }
  });
});
