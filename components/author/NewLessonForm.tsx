'use client';
// Creates an (unpublished) browser lesson in a course, then opens its editor.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { AuthorMessages } from '@/messages/author';
import { authorCall, describeAuthorError } from './api';
import styles from './author.module.css';
import learn from '../learn/learn.module.css';

export function NewLessonForm({ courses, m, errors }: { courses: { id: string; label: string }[]; m: AuthorMessages['newLesson']; errors: AuthorMessages['errors'] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = { en: String(form.get('titleEn') ?? ''), 'zh-CN': String(form.get('titleZh') ?? '') };
    setBusy(true);
    setError(null);
    try {
      const { id } = await authorCall<{ id: string }>('POST', '/api/instructor/lessons', {
        courseId: String(form.get('courseId')),
        slug: String(form.get('slug') ?? ''),
        title,
        body: { en: `# ${title.en}\n`, 'zh-CN': `# ${title['zh-CN']}\n` },
      });
      router.push(`/instructor/lessons/${id}`);
    } catch (e) {
      setError(describeAuthorError(e, errors));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="new-lesson-title">
      <h2 id="new-lesson-title">{m.title}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className={styles.field}>
          <label htmlFor="new-lesson-course">{m.course}</label>
          <select id="new-lesson-course" name="courseId" required>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="new-lesson-slug">{m.id}</label>
          <input id="new-lesson-slug" name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" maxLength={64} />
        </div>
        <div className={styles.field}>
          <label htmlFor="new-lesson-title-en">{m.titleEn}</label>
          <input id="new-lesson-title-en" name="titleEn" required maxLength={200} />
        </div>
        <div className={styles.field}>
          <label htmlFor="new-lesson-title-zh">{m.titleZh}</label>
          <input id="new-lesson-title-zh" name="titleZh" required maxLength={200} lang="zh-CN" />
        </div>
        {error ? (
          <p className={learn.alert} role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className={learn.button} disabled={busy}>
          {m.create}
        </button>
      </form>
    </section>
  );
}
