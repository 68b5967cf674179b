// The header on every page: brand, navigation for the signed-in role, language switch and
// sign-in state.
import Link from 'next/link';
import { Suspense } from 'react';
import { signOutAction } from '@/app/session-actions';
import { decide } from '@/lib/authz-policy';
import type { CurrentUser } from '@/lib/authz';
import type { I18n } from '@/lib/i18n/server';
import { LanguageSwitch } from './LanguageSwitch';

export function SiteHeader({ user, i18n }: { user: CurrentUser | null; i18n: I18n }) {
  const { m, t, locale } = i18n;
  const principal = user && { id: user.id, role: user.role, disabled: false };
  const links = [
    { href: '/courses', label: m.nav.courses, show: true },
    { href: '/progress', label: m.nav.progress, show: decide(principal, 'learning') === 'allow' },
    { href: '/instructor', label: m.nav.authoring, show: decide(principal, 'authoring') === 'allow' },
    { href: '/admin', label: m.nav.admin, show: decide(principal, 'administration') === 'allow' },
  ].filter((l) => l.show);
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/" className="brand">
          <span aria-hidden="true" className="brand-mark">⎈</span> {m.common.brand}
        </Link>
        <nav aria-label={m.common.mainNav} className="main-nav">
          <ul>
            {links.map((l) => (
              <li key={l.href}>
                <Link href={l.href}>{l.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <Suspense fallback={null}>
            <LanguageSwitch current={locale} label={m.common.language} />
          </Suspense>
          {user ? (
            <div className="session" data-testid="session">
              <span className="who">
                {t(m.common.signedInAs, { name: user.name })}{' '}
                <span className={`role-badge role-${user.role}`}>{m.common.roles[user.role]}</span>
              </span>
              <form action={signOutAction}>
                <button type="submit" className="button-link">
                  {m.common.signOut}
                </button>
              </form>
            </div>
          ) : (
            <div className="session">
              <Link href="/sign-in">{m.common.signIn}</Link>
              <Link href="/sign-up" className="button small">
                {m.common.signUp}
              </Link>
            </div>
          )}
        </div>
      </div>
    </header>
  );
}
