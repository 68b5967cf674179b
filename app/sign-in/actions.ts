'use server';
import { AuthError, CredentialsSignin } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { FormState } from '@/components/form-state';
import { signIn } from '@/lib/auth';
import { homeFor, safeNextPath } from '@/lib/authz-policy';
import { db } from '@/lib/db';
import { getI18n } from '@/lib/i18n/server';
import { clientAddressFrom } from '@/lib/client-address';
import { minutesToWait } from '@/lib/rate-limit';
import { signInThrottle } from '@/lib/sign-in/throttle';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, isLocale } from '@/lib/i18n/locale';

export async function signInAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const { m, t } = await getI18n();
  const email = String(formData.get('email') ?? '').trim().toLowerCase();
  const password = String(formData.get('password') ?? '');
  const values = { email };
  // Empty fields get the same generic answer: the form's `required` catches them in a browser.
  if (!email || !password) return { error: m.auth.errors.invalid, values };
  try {
    await signIn('credentials', { email, password, redirect: false });
  } catch (e) {
    if (e instanceof CredentialsSignin) {
      if (e.code === 'throttled') {
        // authorize() refused before looking at the password; say how long to wait.
        const decision = signInThrottle().check({ email, address: clientAddressFrom(await headers()) });
        return { error: t(m.auth.errors.throttled, { minutes: minutesToWait(decision) }), values };
      }
      return { error: e.code === 'disabled' ? m.auth.errors.disabled : m.auth.errors.invalid, values };
    }
    if (e instanceof AuthError) return { error: m.auth.errors.unavailable, values };
    throw e;
  }
  const user = await db().user.findUnique({ where: { email }, select: { role: true, locale: true } });
  // The language chosen on another device comes along, unless this browser already chose one.
  const jar = await cookies();
  if (isLocale(user?.locale) && !jar.has(LOCALE_COOKIE)) {
    jar.set(LOCALE_COOKIE, user.locale, { path: '/', maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: 'lax', httpOnly: true });
  }
  redirect(safeNextPath(formData.get('next')) ?? homeFor(user?.role ?? 'learner'));
}
