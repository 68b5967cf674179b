// The app's database client: one per process (kept on globalThis so dev-mode reloads do not
// open a new connection pool each time), for the DATABASE_URL of the validated environment.
import { env } from '../env';
import { createDb, type Db } from './client';

export type { Db } from './client';

const holder = globalThis as unknown as { kubelabDb?: Db };

export function db(): Db {
  holder.kubelabDb ??= createDb(env().database);
  return holder.kubelabDb;
}
