// DATABASE_URL decides the database: `file:<path>` is SQLite (a relative path is resolved
// against the working directory, the repository root, never against prisma/ as the Prisma CLI
// would), `postgres://` or `postgresql://` is PostgreSQL.
import path from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgresql'; url: string };

export const DEFAULT_DATABASE_URL = 'file:./data/kubelab.db';

export class DatabaseUrlError extends Error {
  readonly code = 'DATABASE_URL_INVALID';
}

export function sqliteFilePath(url: string, baseDir: string): string {
  if (!url.startsWith('file:')) throw new DatabaseUrlError(`not a SQLite URL (expected file:<path>): ${redactUrl(url)}`);
  // Accept file:./x.db, file:x.db, file:/abs/x.db and file:///abs/x.db; drop ?query options.
  let rest = url.slice('file:'.length).split('?')[0] ?? '';
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') throw new DatabaseUrlError('DATABASE_URL "file:" names no file');
  return path.resolve(baseDir, rest);
}

export function parseDatabaseUrl(url: string, baseDir: string): DatabaseTarget {
  if (url.startsWith('file:')) return { kind: 'sqlite', file: sqliteFilePath(url, baseDir) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgresql', url };
  throw new DatabaseUrlError(
    `unsupported database URL ${redactUrl(url)}: use file:<path> for SQLite or postgresql://user:password@host/db for PostgreSQL`,
  );
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
