import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SignUpForm } from '@/components/SignUpForm';
import { getCurrentUser } from '@/lib/authz';
import { homeFor } from '@/lib/authz-policy';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getI18n } from '@/lib/i18n/server';
import { PASSWORD_MIN_LENGTH } from '@/lib/password';
import { isSignupOpen } from '@/lib/settings';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).m.common.signUp };
}

export default async function SignUpPage() {
  const user = await getCurrentUser();
  if (user) redirect(homeFor(user.role));
  const { m, t } = await getI18n();
  const open = await isSignupOpen(db(), env().SIGNUP_OPEN);
  return (
    <section className="auth-card" aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">{m.auth.signUpTitle}</h1>
      {open ? (
        <>
          <p className="lead">{m.auth.signUpLead}</p>
          <SignUpForm
            minLength={PASSWORD_MIN_LENGTH}
            labels={{
              name: m.auth.name,
              email: m.auth.email,
              password: m.auth.password,
              passwordHint: t(m.auth.passwordHint, { min: PASSWORD_MIN_LENGTH }),
              submit: m.auth.signUpSubmit,
              pending: m.auth.pending,
            }}
          />
        </>
      ) : (
        <p role="status" className="notice" data-testid="signup-closed">
          {m.auth.errors.signupClosed}
        </p>
      )}
      <p className="auth-switch">
        {m.auth.haveAccount} <Link href="/sign-in">{m.common.signIn}</Link>
      </p>
    </section>
  );
}
