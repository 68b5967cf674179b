// The admin dashboards' catalogues, picked by the locale the foundation's i18n negotiated.
import type { Locale } from '../../lib/i18n/locale';
import { adminEn } from './en';
import type { AdminMessages } from './types';
import { adminZhCN } from './zh-CN';

export type { AdminMessages } from './types';

export const adminCatalogues: Record<Locale, AdminMessages> = { en: adminEn, 'zh-CN': adminZhCN };
