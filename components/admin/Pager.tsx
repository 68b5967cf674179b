// Previous / "page n of m" / next links under a paged admin table; nothing when one page holds all.
import Link from 'next/link';
import { format } from '@/lib/i18n/format';
import type { AdminMessages } from '@/messages/admin/types';

export function Pager({ label, page, pages, href, am }: { label: string; page: number; pages: number; href: (page: number) => string; am: AdminMessages }) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} className="pager">
      {page > 0 ? <Link href={href(page - 1)}>{am.common.previous}</Link> : null}
      <span>{format(am.common.pageOf, { page: page + 1, pages })}</span>
      {page + 1 < pages ? <Link href={href(page + 1)}>{am.common.next}</Link> : null}
    </nav>
  );
}
