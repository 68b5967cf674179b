'use client';
// The language switch: one button per locale, posting to setLocaleAction with the current page
// so the visitor stays where they are.
import { usePathname, useSearchParams } from 'next/navigation';
import { setLocaleAction } from '@/app/locale-actions';
import type { Locale } from '@/lib/i18n/locale';

const NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

export function LanguageSwitch({ current, label }: { current: Locale; label: string }) {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  const returnTo = query ? `${pathname}?${query}` : pathname;
  return (
    <form action={setLocaleAction} className="lang-switch" aria-label={label}>
      <input type="hidden" name="returnTo" value={returnTo} />
      {(Object.keys(NAMES) as Locale[]).map((locale) => (
        <button
          key={locale}
          type="submit"
          name="locale"
          value={locale}
          lang={locale}
          aria-pressed={locale === current}
          className={locale === current ? 'lang-current' : undefined}
        >
          {NAMES[locale]}
        </button>
      ))}
    </form>
  );
}
