// Filling message templates: "{name}" variables and plural forms chosen by Intl.PluralRules.
import type { Locale } from './locale';

export type Vars = Record<string, string | number>;

export function format(template: string, vars: Vars = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

export interface PluralForms {
  one: string;
  other: string;
}

export function plural(locale: Locale, forms: PluralForms, count: number, vars: Vars = {}): string {
  const category = new Intl.PluralRules(locale).select(count);
  const template = category === 'one' ? forms.one : forms.other;
  return format(template, { count: new Intl.NumberFormat(locale).format(count), ...vars });
}
