'use server';
// Ending a learner's sandbox from the fleet view: admins only, audited, and the learner's page
// says an admin ended it (their attempts and progress stay).
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { terminateSandbox } from '@/lib/admin/fleet';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';

const terminateForm = z.object({ sandbox: z.string().regex(/^[a-z0-9-]{1,80}$/) });

export async function terminateSandboxAction(form: FormData): Promise<void> {
  const admin = await requireAdmin('/admin/fleet');
  const parsed = terminateForm.safeParse({ sandbox: form.get('sandbox') ?? undefined });
  if (!parsed.success) redirect('/admin/fleet?notice=notFound');
  const result = await terminateSandbox(db(), admin, parsed.data.sandbox);
  revalidatePath('/admin/fleet');
  redirect(`/admin/fleet?notice=${result.ok ? 'terminated' : result.reason === 'not_found' ? 'notFound' : 'runnerFailed'}`);
}
