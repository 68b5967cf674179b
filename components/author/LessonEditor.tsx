'use client';
// The lesson editor: title and Markdown text in both languages side by side, each with a live
// preview through the very renderer the lesson page uses (components/learn/Markdown), saved as a
// revision-checked draft (each save a version) and published when ready; the versions with a
// side-by-side diff against the text being edited, and restore.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { AuthorMessages } from '@/messages/author';
import { lessonDiffText } from '@/lib/authoring/lesson-text';
import { withoutLeadingTitle } from '@/lib/content/markdown';
import { Markdown } from '../learn/Markdown';
import learn from '../learn/learn.module.css';
import { authorCall, AuthorApiError, describeAuthorError, fill, type DiffRow } from './api';
import { DiffTable } from './DiffTable';
import { VersionHistory, type HistoryVersion } from './VersionHistory';
import styles from './author.module.css';

type Text = { en: string; 'zh-CN': string };

export interface LessonEditorProps {
  lessonId: string;
  editable: boolean;
  published: boolean;
  revision: number;
  title: Text;
  body: Text;
  /** Without their text: it is fetched when a version is compared. */
  versions: HistoryVersion[];
  locale: 'en' | 'zh-CN';
  m: AuthorMessages['lesson'];
  mx: AuthorMessages['exercise'];
  errors: AuthorMessages['errors'];
  copyLabels: { copy: string; copied: string; label: string };
}

export function LessonEditor(props: LessonEditorProps) {
  const { m, mx } = props;
  const router = useRouter();
  const [title, setTitle] = useState<Text>(props.title);
  const [body, setBody] = useState<Text>(props.body);
  const [revision, setRevision] = useState(props.revision);
  const [published, setPublished] = useState(props.published);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ revision: number; diff: DiffRow[] } | null>(null);

  async function save(base = revision) {
    setError(null);
    setStatus(null);
    try {
      const saved = await authorCall<{ revision: number }>('PUT', `/api/instructor/lessons/${props.lessonId}`, { title, body, baseRevision: base });
      setRevision(saved.revision);
      setConflict(null);
      setStatus(fill(m.saved, { revision: saved.revision }));
      router.refresh();
    } catch (e) {
      refused(e);
    }
  }

  function refused(e: unknown) {
    if (e instanceof AuthorApiError && e.code === 'CONFLICT' && e.current) {
      setConflict({ revision: e.current.revision, diff: e.diff });
      // Their save is a version now: list it so it can be compared or restored.
      router.refresh();
    }
    setError(describeAuthorError(e, props.errors));
  }

  /** Restoring saves the version's text as a new version; the editor then holds that text. */
  async function restore(version: HistoryVersion) {
    setError(null);
    setStatus(null);
    try {
      const saved = await authorCall<{ revision: number; restored: number; title: Text; body: Text }>('POST', `/api/instructor/lessons/${props.lessonId}/restore`, {
        versionId: version.id,
        baseRevision: revision,
      });
      setTitle(saved.title);
      setBody(saved.body);
      setRevision(saved.revision);
      setConflict(null);
      setStatus(fill(m.restored, { version: saved.restored, revision: saved.revision }));
      router.refresh();
    } catch (e) {
      refused(e);
    }
  }

  async function setState(action: 'publish' | 'unpublish') {
    setError(null);
    try {
      const reply = await authorCall<{ published: boolean }>('POST', `/api/instructor/lessons/${props.lessonId}`, { action });
      setPublished(reply.published);
      setStatus(reply.published ? m.published : m.notPublished);
    } catch (e) {
      setError(describeAuthorError(e, props.errors));
    }
  }

  const locales = [
    { locale: 'en' as const, titleLabel: m.titleEn, bodyLabel: m.bodyEn, preview: m.previewEn },
    { locale: 'zh-CN' as const, titleLabel: m.titleZh, bodyLabel: m.bodyZh, preview: m.previewZh },
  ];
  return (
    <div>
      <p data-testid="lesson-state">{published ? m.published : m.notPublished}</p>
      {!props.editable ? <p className="notice">{m.readOnly}</p> : null}
      <div className={styles.split}>
        {locales.map(({ locale, titleLabel, bodyLabel, preview }) => (
          <div key={locale} lang={locale}>
            {props.editable ? (
              <>
                <div className={styles.field}>
                  <label htmlFor={`lesson-title-${locale}`}>{titleLabel}</label>
                  <input id={`lesson-title-${locale}`} value={title[locale]} maxLength={200} onChange={(e) => setTitle({ ...title, [locale]: e.target.value })} />
                </div>
                <div className={styles.field}>
                  <label htmlFor={`lesson-body-${locale}`}>{bodyLabel}</label>
                  <textarea id={`lesson-body-${locale}`} value={body[locale]} onChange={(e) => setBody({ ...body, [locale]: e.target.value })} />
                </div>
              </>
            ) : null}
            <section aria-label={preview} className={styles.preview} data-testid={`preview-${locale}`}>
              <h2>{title[locale]}</h2>
              <Markdown source={withoutLeadingTitle(body[locale])} copyLabels={props.copyLabels} headingOffset={1} idPrefix={`preview-${locale}`} />
            </section>
          </div>
        ))}
      </div>
      {error ? (
        <p className={learn.alert} role="alert">
          {error}
        </p>
      ) : null}
      {conflict ? (
        <div data-testid="conflict">
          <h2>{mx.conflictTitle}</h2>
          <p>
            {fill(mx.conflictBody, { revision: conflict.revision })} {m.conflictHint}
          </p>
          <DiffTable rows={conflict.diff} left={mx.diffLeft} right={mx.diffRight} />
          <button type="button" className={learn.button} onClick={() => void save(conflict.revision)}>
            {mx.keepMine}
          </button>
        </div>
      ) : null}
      <p role="status" aria-live="polite">
        {status}
      </p>
      {props.editable ? (
        <div className={learn.toolbar}>
          <button type="button" className={learn.button} onClick={() => void save()}>
            {m.save}
          </button>
          {published ? (
            <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={() => void setState('unpublish')}>
              {m.unpublish}
            </button>
          ) : (
            <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={() => void setState('publish')}>
              {m.publish}
            </button>
          )}
        </div>
      ) : null}
      {props.editable ? (
        <VersionHistory
          id="lesson-history"
          versions={props.versions}
          editing={lessonDiffText({ title, body })}
          textOf={async (v) => (await authorCall<{ text: string }>('GET', `/api/instructor/lessons/${props.lessonId}/versions/${v.id}`)).text}
          onError={(e) => setError(describeAuthorError(e, props.errors))}
          editable={props.editable}
          locale={props.locale}
          labels={m}
          onRestore={(v) => void restore(v)}
        />
      ) : null}
    </div>
  );
}
