import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivePostgresSchema } from './postgres-schema';
import { readMigrations } from './migrate';
import { splitStatements } from './sql-statements';
import { datamodelText, sameDatamodel } from './schema-snapshot';

const root = path.resolve(__dirname, '..', '..');
const read = (...p: string[]) => fs.readFileSync(path.join(root, ...p), 'utf8');

describe('schemas and migrations', () => {
  it('the committed PostgreSQL schema is the one derived from the SQLite schema', () => {
    expect(read('prisma', 'postgresql', 'schema.prisma')).toBe(derivePostgresSchema(read('prisma', 'schema.prisma')));
  });

  it('both providers have the same migrations, in the same order', () => {
    const names = (kind: string) => readMigrations(path.join(root, 'prisma', 'migrations', kind)).map((m) => m.name);
    expect(names('postgresql')).toEqual(names('sqlite'));
    expect(names('sqlite').length).toBeGreaterThan(0);
  });

  it('every schema change has its migration (the latest migration leads to the current schema)', () => {
    const latest = readMigrations(path.join(root, 'prisma', 'migrations', 'sqlite')).at(-1);
    const snapshot = read('prisma', 'migrations', 'sqlite', latest?.name ?? '', 'schema.prisma');
    expect(
      sameDatamodel(snapshot, read('prisma', 'schema.prisma')),
      'prisma/schema.prisma changed without a migration: run `npx tsx prisma/new-migration.ts <name>`',
    ).toBe(true);
  });

  it('ignores comments and blank lines when comparing datamodels', () => {
    expect(datamodelText('// top\nmodel A {\n  id String @id // why\n\n}\n')).toBe('model A {\n  id String @id\n}');
    expect(sameDatamodel('model A {\n  id Int @id\n}', 'model A {\n  id String @id\n}')).toBe(false);
  });

  it('splits generated SQL into statements, dropping comments', () => {
    expect(splitStatements('-- CreateTable\nCREATE TABLE "a" (\n  "x" TEXT\n);\n\n-- CreateIndex\nCREATE INDEX "i" ON "a"("x");\n')).toEqual([
      'CREATE TABLE "a" (\n  "x" TEXT\n)',
      'CREATE INDEX "i" ON "a"("x")',
    ]);
  });
});
