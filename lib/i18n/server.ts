// The request's locale and catalogue, for server components, server actions and route handlers.
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { catalogues, type Messages } from '../../messages';
import { format, plural, type PluralForms, type Vars } from './format';
import { LOCALE_COOKIE, negotiateLocale, type Locale } from './locale';

export interface I18n {
  locale: Locale;
  m: Messages;
  t: (template: string, vars?: Vars) => string;
  n: (forms: PluralForms, count: number, vars?: Vars) => string;
}

export const getI18n = cache(async (): Promise<I18n> => {
  const remembered = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = negotiateLocale(remembered, (await headers()).get('accept-language'));
  return {
    locale,
    m: catalogues[locale],
    t: format,
    n: (forms, count, vars) => plural(locale, forms, count, vars),
  };
});
