'use server';
// Switching the language: remembered in a cookie (and on the account when signed in), then
// back to the page the visitor was on.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/authz';
import { safeNextPath } from '@/lib/authz-policy';
import { db } from '@/lib/db';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, isLocale } from '@/lib/i18n/locale';

export async function setLocaleAction(formData: FormData): Promise<void> {
  const locale = formData.get('locale');
  const back = safeNextPath(formData.get('returnTo')) ?? '/';
  if (isLocale(locale)) {
    (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', maxAge: LOCALE_COOKIE_MAX_AGE, sameSite: 'lax', httpOnly: true });
    const user = await getCurrentUser();
    if (user && user.locale !== locale) await db().user.update({ where: { id: user.id }, data: { locale } });
  }
  redirect(back);
}
