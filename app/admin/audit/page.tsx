// The audit log: what admins and instructors changed, newest first, a page at a time.
import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminNav } from '@/components/admin/AdminNav';
import { DataTable, Panel } from '@/components/admin/Panel';
import { AUDIT_PAGE_SIZE, auditPage, decodeCursor, encodeCursor } from '@/lib/admin/audit';
import { formatDateTime } from '@/lib/admin/format';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';
import { auditActionName } from './action-name';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.audit.title };
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin('/admin/audit');
  const { am, locale } = await getAdminI18n();
  const before = decodeCursor((await searchParams).before);
  const events = await auditPage(db(), before, AUDIT_PAGE_SIZE + 1);
  const shown = events.slice(0, AUDIT_PAGE_SIZE);
  const last = shown.at(-1);
  return (
    <>
      <h1>{am.audit.title}</h1>
      <AdminNav current="audit" am={am} />
      <p className="lead">{am.audit.lead}</p>
      <p>
        <a className="button secondary" href="/admin/audit/export" download>
          {am.audit.exportCsv}
        </a>
      </p>
      <Panel id="audit" title={am.audit.title} hiddenTitle>
        {shown.length === 0 ? (
          <p>{am.audit.empty}</p>
        ) : (
          <DataTable testId="audit-log" heads={[am.audit.when, am.audit.who, am.audit.action, am.audit.target, am.audit.detail, am.audit.from]}>
            {shown.map((e) => (
              <tr key={e.id}>
                <th scope="row">
                  <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt, locale)}</time>
                </th>
                <td>
                  {e.actorEmail} <span className="muted small">({e.actorRole})</span>
                </td>
                <td data-action={e.action}>
                  {auditActionName(am, e.action)} <code className="muted small">{e.action}</code>
                </td>
                <td>{e.target ? <code>{e.target}</code> : '—'}</td>
                <td>{e.detail === null ? '—' : <code className="observed">{JSON.stringify(e.detail)}</code>}</td>
                <td>{e.ip ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
        <nav aria-label={am.audit.title} className="pager">
          {before ? <Link href="/admin/audit">{am.audit.newest}</Link> : null}
          {events.length > AUDIT_PAGE_SIZE && last ? <Link href={`/admin/audit?before=${encodeCursor(last)}`}>{am.audit.older}</Link> : null}
        </nav>
      </Panel>
    </>
  );
}
