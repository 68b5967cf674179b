// The admin area: open or close learner sign-up, and manage users' roles and accounts (staff
// always shown, learners a page at a time).
import type { Metadata } from 'next';
import { UserRow } from '@/components/UserRow';
import { accountsPage, parseAccountsPage } from '@/lib/admin/accounts-page';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getI18n } from '@/lib/i18n/server';
import { isSignupOpen } from '@/lib/settings';
import { setSignupOpenAction } from './actions';
import { StackTable } from '@/components/StackTable';
import { AdminNav } from '@/components/admin/AdminNav';
import { Pager } from '@/components/admin/Pager';
import { Panel } from '@/components/admin/Panel';
import { adminCatalogues } from '@/messages/admin';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).m.admin.title };
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const page = parseAccountsPage((await searchParams).page);
  const admin = await requireAdmin(page ? `/admin?page=${page}` : '/admin');
  const { m, t, n, locale } = await getI18n();
  const am = adminCatalogues[locale];
  const [open, { users, total, pages }] = await Promise.all([isSignupOpen(db(), env().SIGNUP_OPEN), accountsPage(db(), page)]);
  return (
    <>
      <h1>{m.admin.title}</h1>
      <AdminNav current="users" am={am} />
      <Panel id="signup" title={m.admin.signupTitle}>
        <p role="status" data-testid="signup-state">
          {open ? m.admin.signupOpen : m.admin.signupClosed}
        </p>
        <form action={setSignupOpenAction}>
          <input type="hidden" name="open" value={open ? 'false' : 'true'} />
          <button type="submit" className="button secondary">
            {open ? m.admin.closeSignup : m.admin.openSignup}
          </button>
        </form>
      </Panel>
      <Panel
        id="users"
        title={
          <>
            {m.admin.usersTitle} <span className="muted">({n(m.admin.usersCount, total)})</span>
          </>
        }
      >
        <StackTable columns={[m.admin.colName, m.admin.colEmail, m.admin.colRole, m.admin.colStatus, m.admin.colActions]}>
          {users.map((u) => (
            <UserRow
              key={`${u.id}-${u.role}-${u.disabled}`}
              user={u}
              isSelf={u.id === admin.id}
              labels={{
                columns: { email: m.admin.colEmail, role: m.admin.colRole, status: m.admin.colStatus, actions: m.admin.colActions },
                roles: m.common.roles,
                roleFor: t(m.admin.roleFor, { email: u.email }),
                saveRole: m.admin.saveRole,
                disable: m.admin.disable,
                enable: m.admin.enable,
                active: m.admin.active,
                disabled: m.admin.disabled,
                you: m.admin.you,
              }}
            />
          ))}
        </StackTable>
        <Pager label={m.admin.usersTitle} page={page} pages={pages} href={(p) => (p ? `/admin?page=${p}` : '/admin')} am={am} />
      </Panel>
    </>
  );
}
