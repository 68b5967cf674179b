// Figures on the admin pages, in the reader's locale: durations, bytes, percentages, dates.
import type { AdminMessages } from '../../messages/admin';
import { format } from '../i18n/format';
import type { Locale } from '../i18n/locale';

/** "42 s", "12 min", "3.5 h" (zh-CN: "42 秒", ...). */
export function formatDuration(seconds: number, am: AdminMessages, locale: Locale): string {
  const number = (n: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
  if (seconds < 90) return format(am.common.seconds, { count: number(seconds) });
  if (seconds < 90 * 60) return format(am.common.minutes, { count: number(seconds / 60) });
  return format(am.common.hours, { count: number(seconds / 3600, 1) });
}

export function formatBytes(bytes: number, locale: Locale): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function formatPercent(percent: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(percent / 100);
}

export function formatDateTime(date: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(new Date(date)) + ' UTC';
}
