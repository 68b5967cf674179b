// Picking the reader's language from stored localised text ({"en": ..., "zh-CN": ...}).
import type { Locale } from '../i18n/locale';

/** The text for `locale`, else English, else any; '' when there is none. */
export function pick(value: unknown, locale: Locale): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  const texts = value as Record<string, unknown>;
  for (const candidate of [texts[locale], texts.en, ...Object.values(texts)]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return '';
}
