'use client';
// Imports a zip in the exercises/ layout: a course, or one exercise into a browser lesson.
// Problems come back located (file:line:column inside the zip) and are listed as they are.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { AuthorMessages } from '@/messages/author';
import { AuthorApiError, describeAuthorError, fill, problemText, type Problem } from './api';
import styles from './author.module.css';
import learn from '../learn/learn.module.css';

export function ImportForm({ lessons, m, errors }: { lessons: { id: string; label: string }[]; m: AuthorMessages['importExport']; errors: AuthorMessages['errors'] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setProblems([]);
    setDone(null);
    const response = await fetch('/api/instructor/import', { method: 'POST', body: new FormData(event.currentTarget) });
    const json = (await response.json().catch(() => null)) as ({ error?: { code: string; message: string; problems?: Problem[] } } & Record<string, unknown>) | null;
    if (!response.ok) {
      const e = json?.error;
      setProblems(e?.problems ?? []);
      setError(describeAuthorError(new AuthorApiError(response.status, e?.code ?? `http_${response.status}`, e?.message ?? response.statusText), errors));
      return;
    }
    const summary = json as { kind: string; course?: string; exercises?: string[]; exercise?: string };
    setDone(fill(m.done, { summary: summary.kind === 'course' ? `${summary.course} (${summary.exercises?.join(', ')})` : (summary.exercise ?? '') }));
    router.refresh();
  }

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">{m.title}</h2>
      <p>{m.lead}</p>
      <form onSubmit={(e) => void submit(e)}>
        <div className={styles.field}>
          <label htmlFor="import-file">{m.file}</label>
          <input id="import-file" name="file" type="file" accept=".zip,application/zip" required />
        </div>
        <div className={styles.field}>
          <label htmlFor="import-lesson">{m.lesson}</label>
          <select id="import-lesson" name="lessonId" defaultValue="">
            <option value="">—</option>
            {lessons.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={learn.button}>
          {m.submit}
        </button>
      </form>
      {error ? (
        <div className={learn.alert} role="alert" data-testid="import-error">
          <p>{error}</p>
          <ul className={styles.problems}>
            {problems.map((p, i) => (
              <li key={i}>{problemText(p)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p role="status" aria-live="polite">
        {done}
      </p>
    </section>
  );
}
