// GET /admin/audit/export: the whole audit log as CSV, newest first, streamed. Admins only.
// Each action comes as its stable code and its readable name in the admin's language.
import { csvResponse, type CsvCell } from '@/lib/admin/csv';
import { auditRows } from '@/lib/admin/exports';
import { authorizeRequest } from '@/lib/authz';
import { db } from '@/lib/db';
import { apiError } from '@/lib/runner/responses';
import { getAdminI18n } from '@/messages/admin/server';
import { auditActionName } from '../action-name';

/** auditRows with the action's name after its code (column 4). */
async function* namedRows(rows: AsyncIterable<CsvCell[][]>, name: (action: string) => string): AsyncGenerator<CsvCell[][]> {
  for await (const batch of rows) yield batch.map((row) => [...row.slice(0, 4), name(String(row[3])), ...row.slice(4)]);
}

export async function GET() {
  const authz = await authorizeRequest(['admin']);
  if (!authz.ok) return apiError(authz.status, authz.code, authz.status === 401 ? 'sign in first' : 'admins only');
  const { am } = await getAdminI18n();
  return csvResponse(
    `audit-${new Date().toISOString().slice(0, 10)}.csv`,
    ['at', 'actor', 'role', 'action', 'action name', 'target', 'detail', 'from'],
    namedRows(auditRows(db()), (action) => auditActionName(am, action)),
  );
}
