// The learner pages' catalogues, picked by the locale the foundation's i18n negotiated.
import type { Locale } from '../../lib/i18n/locale';
import { learnEn } from './en';
import type { LearnMessages } from './types';
import { learnZhCN } from './zh-CN';

export type { LearnMessages } from './types';

export const learnCatalogues: Record<Locale, LearnMessages> = { en: learnEn, 'zh-CN': learnZhCN };
