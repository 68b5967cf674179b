// An enrol link: a signed-in visitor sees which group invites them and joins with one press
// (a GET never changes anything). Signed-out visitors sign in first and come back here.
import type { Metadata } from 'next';
import Link from 'next/link';
import { cohortByToken } from '@/lib/admin/cohorts';
import { requireUser } from '@/lib/authz';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';
import { enrolAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.enrol.join };
}

export default async function EnrolPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await params;
  const user = await requireUser(`/enrol/${encodeURIComponent(token)}`);
  const { am, t } = await getAdminI18n();
  const cohort = await cohortByToken(db(), token);
  const joined = cohort ? await db().cohortMember.findUnique({ where: { cohortId_userId: { cohortId: cohort.id, userId: user.id } } }) : null;
  const query = await searchParams;
  if (!cohort) {
    return (
      <section className="message-page" aria-labelledby="enrol-title">
        <h1 id="enrol-title">{am.enrol.join}</h1>
        <p role={query.invalid ? 'alert' : undefined}>{am.enrol.invalid}</p>
      </section>
    );
  }
  return (
    <section className="message-page" aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t(am.enrol.title, { group: cohort.name })}</h1>
      {joined ? (
        <>
          <p role="status" data-testid="enrol-joined">
            {t(am.enrol.joined, { group: cohort.name })}
          </p>
          <p>
            <Link href="/courses">{am.enrol.continue}</Link>
          </p>
        </>
      ) : (
        <>
          <p>{t(am.enrol.lead, { group: cohort.name })}</p>
          <form action={enrolAction}>
            <input type="hidden" name="token" value={token} />
            <button type="submit" className="button">
              {am.enrol.join}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
