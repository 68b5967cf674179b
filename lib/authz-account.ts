// The account a session names, read fresh from the database on every request so that a role
// change or a disabled account takes effect at once. One raw statement rather than a typed
// Prisma query: Prisma 6.19 compiles every typed query afresh (about 1 ms of CPU here, measured
// with bench/pages.ts), and this read runs on every signed-in request.
import type { Db } from './db';
import { isRole, type Role } from './roles';

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string | null;
}

/** The enabled account with this id; null when there is none, it is disabled, or its role is unknown. */
export async function enabledAccount(db: Db, id: string): Promise<Account | null> {
  // Quoted names and one bound parameter: the same statement on SQLite and PostgreSQL.
  const [row] = await db.$queryRaw<{ id: string; email: string; name: string; role: unknown; locale: string | null; disabled: unknown }[]>`
    SELECT "id", "email", "name", "role", "locale", "disabled" FROM "User" WHERE "id" = ${id}`;
  // SQLite answers 0/1 through some drivers, PostgreSQL a boolean: anything but a clear "not disabled" refuses.
  if (!row || !(row.disabled === false || row.disabled === 0) || !isRole(row.role)) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, locale: row.locale };
}
