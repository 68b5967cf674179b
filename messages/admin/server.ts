// The admin dashboards' strings for this request, in the locale the foundation's i18n negotiated.
import { cache } from 'react';
import { getI18n } from '../../lib/i18n/server';
import { adminCatalogues } from './index';

export const getAdminI18n = cache(async () => {
  const i18n = await getI18n();
  return { ...i18n, am: adminCatalogues[i18n.locale] };
});
