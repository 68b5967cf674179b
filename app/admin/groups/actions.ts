'use server';
// The admins' changes to groups. Each passes lib/authz.ts first, parses its form with zod, is
// written to the audit log, and answers by redirecting with a notice code the page shows.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { audit } from '@/lib/admin/audit';
import { addMemberByEmail, cohortNameSchema, createCohort, deleteCohort, removeMember, setEnrolLink } from '@/lib/admin/cohorts';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';

const id = z.string().regex(/^[a-z0-9]{1,40}$/);
const createForm = z.object({ name: cohortNameSchema });
const memberForm = z.object({ cohortId: id, email: z.string().trim().toLowerCase().email().max(254) });
const removeForm = z.object({ cohortId: id, userId: id });
const linkForm = z.object({ cohortId: id, enabled: z.enum(['true', 'false']) });
const deleteForm = z.object({ cohortId: id });

const field = (form: FormData, name: string) => form.get(name) ?? undefined;

export async function createCohortAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/groups');
  const parsed = createForm.safeParse({ name: field(form, 'name') });
  if (!parsed.success) redirect('/admin/groups?notice=invalidName');
  const result = await createCohort(db(), parsed.data.name);
  if (!result.ok) redirect('/admin/groups?notice=exists');
  await audit(db(), admin, { action: 'cohort.create', target: result.id, detail: { name: parsed.data.name } });
  revalidatePath('/admin/groups');
  redirect(`/admin/groups/${result.id}?notice=created`);
}

export async function addMemberAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/groups');
  const parsed = memberForm.safeParse({ cohortId: field(form, 'cohortId'), email: field(form, 'email') });
  if (!parsed.success) redirect(id.safeParse(form.get('cohortId')).success ? `/admin/groups/${String(form.get('cohortId'))}?notice=noUser` : '/admin/groups');
  const result = await addMemberByEmail(db(), parsed.data.cohortId, parsed.data.email);
  if (!result.ok) redirect(result.reason === 'not_found' ? '/admin/groups?notice=notFound' : `/admin/groups/${parsed.data.cohortId}?notice=noUser`);
  await audit(db(), admin, { action: 'cohort.member.add', target: parsed.data.cohortId, detail: { userId: result.userId } });
  revalidatePath(`/admin/groups/${parsed.data.cohortId}`);
  redirect(`/admin/groups/${parsed.data.cohortId}?notice=added`);
}

export async function removeMemberAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/groups');
  const parsed = removeForm.safeParse({ cohortId: field(form, 'cohortId'), userId: field(form, 'userId') });
  if (!parsed.success) redirect('/admin/groups');
  const result = await removeMember(db(), parsed.data.cohortId, parsed.data.userId);
  if (result.ok) await audit(db(), admin, { action: 'cohort.member.remove', target: parsed.data.cohortId, detail: { userId: parsed.data.userId } });
  revalidatePath(`/admin/groups/${parsed.data.cohortId}`);
  redirect(`/admin/groups/${parsed.data.cohortId}`);
}

export async function setEnrolLinkAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/groups');
  const parsed = linkForm.safeParse({ cohortId: field(form, 'cohortId'), enabled: field(form, 'enabled') });
  if (!parsed.success) redirect('/admin/groups');
  const enabled = parsed.data.enabled === 'true';
  const result = await setEnrolLink(db(), parsed.data.cohortId, enabled);
  if (!result.ok) redirect('/admin/groups?notice=notFound');
  await audit(db(), admin, { action: enabled ? 'cohort.link.rotate' : 'cohort.link.disable', target: parsed.data.cohortId });
  revalidatePath(`/admin/groups/${parsed.data.cohortId}`);
  redirect(`/admin/groups/${parsed.data.cohortId}`);
}

export async function deleteCohortAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/groups');
  const parsed = deleteForm.safeParse({ cohortId: field(form, 'cohortId') });
  if (!parsed.success) redirect('/admin/groups');
  const result = await deleteCohort(db(), parsed.data.cohortId);
  if (result.ok) await audit(db(), admin, { action: 'cohort.delete', target: parsed.data.cohortId });
  revalidatePath('/admin/groups');
  redirect(`/admin/groups?notice=${result.ok ? 'deleted' : 'notFound'}`);
}
