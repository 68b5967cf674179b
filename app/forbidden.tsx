// Rendered with status 403 when requireRole() refuses a signed-in account.
import Link from 'next/link';
import { getCurrentUser } from '@/lib/authz';
import { getI18n } from '@/lib/i18n/server';

export default async function Forbidden() {
  const { m, t } = await getI18n();
  const user = await getCurrentUser();
  return (
    <section className="message-page" aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">{m.errors.forbiddenTitle}</h1>
      <p>{t(m.errors.forbiddenBody, { role: user ? m.common.roles[user.role] : '' })}</p>
      <p>
        <Link href="/">{m.errors.backHome}</Link>
      </p>
    </section>
  );
}
