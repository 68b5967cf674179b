// One group: its enrol link, adding a member by email, the members (each removable), deleting it.
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AdminNav } from '@/components/admin/AdminNav';
import { Panel } from '@/components/admin/Panel';
import { Notice } from '@/components/admin/Notice';
import { cohortMembers } from '@/lib/admin/cohorts';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';
import { addMemberAction, deleteCohortAction, removeMemberAction, setEnrolLinkAction } from '../actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.groups.title };
}

export default async function GroupPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  await requireAdmin(`/admin/groups/${encodeURIComponent(id)}`);
  const { am, m, t, n } = await getAdminI18n();
  if (!/^[a-z0-9]{1,40}$/.test(id)) notFound();
  const cohort = await db().cohort.findUnique({ where: { id }, include: { _count: { select: { members: true } } } });
  if (!cohort) notFound();
  const members = await cohortMembers(db(), id);
  const notice = (await searchParams).notice;
  const h = await headers();
  const origin = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('host') ?? 'localhost'}`;
  const link = cohort.enrolToken ? `${origin}/enrol/${cohort.enrolToken}` : null;
  return (
    <>
      <h1>
        {am.groups.title}: {cohort.name}
      </h1>
      <AdminNav current="groups" am={am} />
      <p>
        <Link href="/admin/groups">{am.groups.listTitle}</Link> · <Link href={`/admin/progress?group=${cohort.id}`}>{am.groups.progress}</Link>
      </p>
      <Notice code={notice} messages={am.groups} errors={['noUser', 'notFound']} />
      <Panel id="link" title={am.groups.enrolLink}>
        <p className="muted">{am.groups.linkHint}</p>
        {link ? (
          <p>
            <code data-testid="enrol-link" className="observed">
              {link}
            </code>
          </p>
        ) : (
          <p>{am.groups.linkOff}</p>
        )}
        <div className="inline-form">
          <EnrolLinkForm cohortId={cohort.id} enabled label={am.groups.newLink} />
          {link ? <EnrolLinkForm cohortId={cohort.id} enabled={false} label={am.groups.disableLink} /> : null}
        </div>
      </Panel>
      <Panel id="add" title={am.groups.addTitle}>
        <form action={addMemberAction} className="inline-form">
          <input type="hidden" name="cohortId" value={cohort.id} />
          <label htmlFor="member-email">{am.groups.email}</label>
          <input id="member-email" name="email" type="email" required maxLength={254} className="text-input" />
          <button type="submit" className="button">
            {am.groups.add}
          </button>
        </form>
      </Panel>
      <Panel
        id="members"
        title={
          <>
            {am.groups.membersTitle} <span className="muted">({n(am.groups.members, cohort._count.members)})</span>
          </>
        }
      >
        {members.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <ul className="group-list" data-testid="group-members">
            {members.map((mb) => (
              <li key={mb.userId}>
                <Link href={`/admin/learners/${mb.user.id}`}>{mb.user.name}</Link> <span className="muted">{mb.user.email} · {m.common.roles[mb.user.role]}</span>{' '}
                <form action={removeMemberAction} className="inline-form inline">
                  <input type="hidden" name="cohortId" value={cohort.id} />
                  <input type="hidden" name="userId" value={mb.userId} />
                  <button type="submit" className="button-link" aria-label={t(am.groups.removeFrom, { name: mb.user.name })}>
                    {am.groups.remove}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <form action={deleteCohortAction}>
        <input type="hidden" name="cohortId" value={cohort.id} />
        <button type="submit" className="button secondary">
          {am.groups.deleteGroup}
        </button>
      </form>
    </>
  );
}

/** Turns the group's enrolment link on (a new one) or off. */
function EnrolLinkForm({ cohortId, enabled, label }: { cohortId: string; enabled: boolean; label: string }) {
  return (
    <form action={setEnrolLinkAction}>
      <input type="hidden" name="cohortId" value={cohortId} />
      <input type="hidden" name="enabled" value={String(enabled)} />
      <button type="submit" className="button secondary small">
        {label}
      </button>
    </form>
  );
}
