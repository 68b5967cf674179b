import Link from 'next/link';
import { getI18n } from '@/lib/i18n/server';

export default async function NotFound() {
  const { m } = await getI18n();
  return (
    <section className="message-page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{m.errors.notFoundTitle}</h1>
      <p>{m.errors.notFoundBody}</p>
      <p>
        <Link href="/">{m.errors.backHome}</Link>
      </p>
    </section>
  );
}
