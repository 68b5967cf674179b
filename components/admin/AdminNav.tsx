// The admin area's sections, on every admin page; the current one is marked for assistive tech.
import Link from 'next/link';
import type { AdminMessages } from '@/messages/admin';

const SECTIONS = [
  { key: 'users', href: '/admin' },
  { key: 'progress', href: '/admin/progress' },
  { key: 'groups', href: '/admin/groups' },
  { key: 'fleet', href: '/admin/fleet' },
  { key: 'audit', href: '/admin/audit' },
] as const;

export type AdminSection = (typeof SECTIONS)[number]['key'];

export function AdminNav({ current, am }: { current: AdminSection; am: AdminMessages }) {
  return (
    <nav aria-label={am.nav.label} className="admin-nav">
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.key}>
            <Link href={s.href} aria-current={s.key === current ? 'page' : undefined}>
              {am.nav[s.key]}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
