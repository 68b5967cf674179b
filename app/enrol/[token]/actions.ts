'use server';
// Joining a group through its enrol link: any signed-in account, the token is the whole secret.
import { redirect } from 'next/navigation';
import { enrolWithToken } from '@/lib/admin/cohorts';
import { requireUser } from '@/lib/authz';
import { db } from '@/lib/db';

export async function enrolAction(form: FormData): Promise<void> {
  const token = String(form.get('token') ?? '');
  const user = await requireUser(`/enrol/${encodeURIComponent(token)}`);
  const cohort = await enrolWithToken(db(), token, user.id);
  redirect(`/enrol/${encodeURIComponent(token)}?${cohort ? 'joined=1' : 'invalid=1'}`);
}
