// The admins' groups (cohorts): create one, see each with its size, go to its members or progress.
import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminNav } from '@/components/admin/AdminNav';
import { Panel } from '@/components/admin/Panel';
import { Notice } from '@/components/admin/Notice';
import { listCohorts } from '@/lib/admin/cohorts';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';
import { createCohortAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.groups.title };
}

export default async function GroupsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin('/admin/groups');
  const { am, n } = await getAdminI18n();
  const notice = (await searchParams).notice;
  const cohorts = await listCohorts(db());
  return (
    <>
      <h1>{am.groups.title}</h1>
      <AdminNav current="groups" am={am} />
      <p className="lead">{am.groups.lead}</p>
      <Notice code={notice} messages={am.groups} errors={['exists', 'invalidName', 'notFound']} />
      <Panel id="create" title={am.groups.createTitle}>
        <form action={createCohortAction} className="inline-form">
          <label htmlFor="group-name">{am.groups.name}</label>
          <input id="group-name" name="name" required maxLength={80} className="text-input" />
          <button type="submit" className="button">
            {am.groups.create}
          </button>
        </form>
      </Panel>
      <Panel id="list" title={am.groups.listTitle}>
        {cohorts.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <ul className="group-list">
            {cohorts.map((c) => (
              <li key={c.id} data-testid={`group-${c.name}`}>
                <strong>{c.name}</strong> <span className="muted">({n(am.groups.members, c.members)})</span> ·{' '}
                <Link href={`/admin/groups/${c.id}`} aria-label={`${am.groups.open}: ${c.name}`}>
                  {am.groups.open}
                </Link>{' '}
                ·{' '}
                <Link href={`/admin/progress?group=${c.id}`} aria-label={`${am.groups.progress}: ${c.name}`}>
                  {am.groups.progress}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}
