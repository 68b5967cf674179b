// GET /admin/audit/export: the whole audit log as CSV, newest first, streamed. Admins only.
import { csvResponse } from '@/lib/admin/csv';
import { auditRows } from '@/lib/admin/exports';
import { authorizeRequest } from '@/lib/authz';
import { db } from '@/lib/db';
import { apiError } from '@/lib/runner/responses';

export async function GET() {
  const authz = await authorizeRequest(['admin']);
  if (!authz.ok) return apiError(authz.status, authz.code, authz.status === 401 ? 'sign in first' : 'admins only');
  return csvResponse(`audit-${new Date().toISOString().slice(0, 10)}.csv`, ['at', 'actor', 'role', 'action', 'target', 'detail', 'from'], auditRows(db()));
}
