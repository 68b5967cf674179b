import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/SignInForm';
import { getCurrentUser } from '@/lib/authz';
import { homeFor, safeNextPath } from '@/lib/authz-policy';
import { getI18n } from '@/lib/i18n/server';
import { DEFAULT_THROTTLE } from '@/lib/sign-in/throttle';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getI18n()).m.common.signIn };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const user = await getCurrentUser();
  if (user) redirect(next ?? homeFor(user.role));
  const { m, t } = await getI18n();
  return (
    <section className="auth-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{m.auth.signInTitle}</h1>
      {typeof params.error === 'string' ? (
        // next-auth's own endpoints redirect here with ?error=<type> (e.g. a form posted without JS).
        <p role="alert" className="form-error" data-testid="auth-error">
          {params.error !== 'CredentialsSignin'
            ? m.auth.errors.unavailable
            : params.code === 'throttled'
              ? t(m.auth.errors.throttled, { minutes: DEFAULT_THROTTLE.windowMs / 60_000 })
              : m.auth.errors.invalid}
        </p>
      ) : null}
      <SignInForm
        next={next}
        labels={{ email: m.auth.email, password: m.auth.password, submit: m.auth.signInSubmit, pending: m.auth.pending }}
      />
      <p className="auth-switch">
        {m.auth.noAccount} <Link href="/sign-up">{m.common.signUp}</Link>
      </p>
    </section>
  );
}
