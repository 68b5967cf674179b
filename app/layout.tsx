import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/SiteHeader';
import { getCurrentUser } from '@/lib/authz';
import { getI18n } from '@/lib/i18n/server';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const { m } = await getI18n();
  return { title: { default: m.common.brand, template: `%s · ${m.common.brand}` }, description: m.meta.description };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const i18n = await getI18n();
  const user = await getCurrentUser();
  return (
    <html lang={i18n.locale}>
      <body>
        <a href="#main" className="skip-link">
          {i18n.m.common.skipToContent}
        </a>
        <SiteHeader user={user} i18n={i18n} />
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
