// Each SQLite migration directory keeps the schema.prisma it leads to. Comparing it with the
// current schema tells whether a migration is missing; comments and blank lines do not count.
export function datamodelText(schema: string): string {
  return schema
    .split('\n')
    .map((line) => line.replace(/\s*\/\/.*$/, '').trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n');
}

export function sameDatamodel(a: string, b: string): boolean {
  return datamodelText(a) === datamodelText(b);
}
