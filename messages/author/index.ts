// The authoring pages' catalogues, picked by the locale the foundation's i18n negotiated.
import type { Locale } from '../../lib/i18n/locale';
import { authorEn } from './en';
import type { AuthorMessages } from './types';
import { authorZhCN } from './zh-CN';

export type { AuthorMessages } from './types';

export const authorCatalogues: Record<Locale, AuthorMessages> = { en: authorEn, 'zh-CN': authorZhCN };
