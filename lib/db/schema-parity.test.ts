import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivePostgresSchema } from './postgres-schema';
import { readMigrations, splitStatements } from './migrate';

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

  it('splits generated SQL into statements, dropping comments', () => {
    expect(splitStatements('-- CreateTable\nCREATE TABLE "a" (\n  "x" TEXT\n);\n\n-- CreateIndex\nCREATE INDEX "i" ON "a"("x");\n')).toEqual([
      'CREATE TABLE "a" (\n  "x" TEXT\n)',
      'CREATE INDEX "i" ON "a"("x")',
    ]);
  });
});
