'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { FormState } from '@/components/form-state';
import { signUpLimiter } from '@/lib/abuse-limits';
import { registerLearner, signUpSchema } from '@/lib/accounts';
import { signIn } from '@/lib/auth';
import { db } from '@/lib/db';
import { clientAddressFrom } from '@/lib/client-address';
import { env } from '@/lib/env';
import { getI18n } from '@/lib/i18n/server';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@/lib/password';
import { minutesToWait } from '@/lib/rate-limit';

export async function signUpAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const { m, t, locale } = await getI18n();
  const raw = {
    name: String(formData.get('name') ?? ''),
    email: String(formData.get('email') ?? ''),
    password: String(formData.get('password') ?? ''),
  };
  const values = { name: raw.name, email: raw.email };
  const parsed = signUpSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: NonNullable<FormState['fieldErrors']> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'name') fieldErrors.name = m.auth.errors.nameRequired;
      if (field === 'email') fieldErrors.email = m.auth.errors.emailInvalid;
      if (field === 'password') {
        fieldErrors.password = raw.password.length < PASSWORD_MIN_LENGTH
          ? t(m.auth.errors.passwordTooShort, { min: PASSWORD_MIN_LENGTH })
          : t(m.auth.errors.passwordTooLong, { max: PASSWORD_MAX_LENGTH });
      }
    }
    return { fieldErrors, values };
  }
  // Counted per client address before the database is touched: a new account and a taken
  // email both count, so neither filling the user table nor probing which emails exist scales.
  const admitted = signUpLimiter(env().SIGNUP_LIMIT_PER_ADDRESS).take(clientAddressFrom(await headers()));
  if (!admitted.allowed) return { error: t(m.auth.errors.signupThrottled, { minutes: minutesToWait(admitted) }), values };
  const result = await registerLearner(db(), parsed.data, env().SIGNUP_OPEN, locale);
  if (!result.ok) {
    return { error: result.reason === 'signup_closed' ? m.auth.errors.signupClosed : m.auth.errors.emailTaken, values };
  }
  await signIn('credentials', { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect('/');
}
