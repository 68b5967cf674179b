// The learner pages' strings for this request, in the locale the foundation's i18n negotiated.
import { cache } from 'react';
import { getI18n } from '../../lib/i18n/server';
import { learnCatalogues, type LearnMessages } from './index';

export const getLearnI18n = cache(async () => {
  const i18n = await getI18n();
  return { ...i18n, lm: learnCatalogues[i18n.locale] as LearnMessages };
});
