'use server';
// The admin's changes. Each action passes lib/authz.ts first and parses its form with zod.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { changeRole, setDisabled } from '@/lib/accounts';
import { audit } from '@/lib/admin/audit';
import { requireAdmin } from '@/lib/authz';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { ROLES } from '@/lib/roles';
import { setSignupOpen } from '@/lib/settings';

export interface AdminActionState {
  message?: string;
  error?: string;
}

const signupForm = z.object({ open: z.enum(['true', 'false']) });
const roleForm = z.object({ userId: z.string().min(1).max(64), role: z.enum(ROLES) });
const disabledForm = z.object({ userId: z.string().min(1).max(64), disabled: z.enum(['true', 'false']) });

export async function setSignupOpenAction(formData: FormData): Promise<void> {
  const admin = await requireAdmin('/admin');
  const parsed = signupForm.safeParse({ open: formData.get('open') });
  if (parsed.success) {
    await setSignupOpen(db(), parsed.data.open === 'true');
    await audit(db(), admin, { action: 'signup.open', detail: { open: parsed.data.open === 'true' } });
  }
  revalidatePath('/admin');
}

async function answer(result: Awaited<ReturnType<typeof changeRole>>): Promise<AdminActionState> {
  const { m } = await getI18n();
  revalidatePath('/admin');
  if (result.ok) return { message: m.admin.saved };
  return { error: result.reason === 'self' ? m.admin.cannotChangeSelf : m.admin.userNotFound };
}

export async function changeRoleAction(_previous: AdminActionState, formData: FormData): Promise<AdminActionState> {
  const admin = await requireAdmin('/admin');
  const parsed = roleForm.safeParse({ userId: formData.get('userId'), role: formData.get('role') });
  if (!parsed.success) return answer({ ok: false, reason: 'not_found' });
  const result = await changeRole(db(), admin.id, parsed.data.userId, parsed.data.role);
  if (result.ok) await audit(db(), admin, { action: 'user.role', target: parsed.data.userId, detail: { role: parsed.data.role } });
  return answer(result);
}

export async function setDisabledAction(_previous: AdminActionState, formData: FormData): Promise<AdminActionState> {
  const admin = await requireAdmin('/admin');
  const parsed = disabledForm.safeParse({ userId: formData.get('userId'), disabled: formData.get('disabled') });
  if (!parsed.success) return answer({ ok: false, reason: 'not_found' });
  const result = await setDisabled(db(), admin.id, parsed.data.userId, parsed.data.disabled === 'true');
  if (result.ok) await audit(db(), admin, { action: 'user.disabled', target: parsed.data.userId, detail: { disabled: parsed.data.disabled === 'true' } });
  return answer(result);
}
