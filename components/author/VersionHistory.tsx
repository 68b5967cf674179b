'use client';
// The versions of an exercise or a lesson: one row each (when, who, what it restored), a
// side-by-side diff of any of them against the text being edited (its text got through
// `textOf`, which may fetch it), and restore (which the editor turns into a new save; history
// is never rewritten).
import { useState } from 'react';
import { sideBySide } from '@/lib/authoring/side-by-side';
import learn from '../learn/learn.module.css';
import { fill } from './api';
import { DiffTable } from './DiffTable';

export interface HistoryVersion {
  id: string;
  version: number;
  createdAt: string;
  current: boolean;
  savedBy?: string | null;
  restoredFrom?: number | null;
}

/** The history's strings: the same keys in the exercise and the lesson catalogues. */
export interface HistoryLabels {
  historyTitle: string;
  historyEmpty: string;
  /** {version}, {when} */
  historyRow: string;
  /** {who} */
  savedBy?: string;
  /** {version} */
  restoredFrom?: string;
  current: string;
  compare: string;
  restore: string;
  /** {version} */
  diffTitle: string;
  diffVersion: string;
  diffDraft: string;
}

export function VersionHistory<V extends HistoryVersion>(props: {
  id: string;
  versions: V[];
  /** What each version is compared with: the text in the editor now. */
  editing: string;
  /** A version's text as the diff shows it (exercise YAML, or lessonDiffText). */
  textOf: (version: V) => string | Promise<string>;
  onError: (error: unknown) => void;
  editable: boolean;
  locale: string;
  labels: HistoryLabels;
  onRestore: (version: V) => void;
}) {
  const { labels: l } = props;
  const [compare, setCompare] = useState<{ version: V; text: string } | null>(null);

  async function toggle(v: V) {
    if (compare?.version.id === v.id) return setCompare(null);
    try {
      setCompare({ version: v, text: await props.textOf(v) });
    } catch (e) {
      props.onError(e);
    }
  }

  return (
    <section aria-labelledby={`${props.id}-title`} data-testid={props.id}>
      <h2 id={`${props.id}-title`}>{l.historyTitle}</h2>
      {props.versions.length === 0 ? <p>{l.historyEmpty}</p> : null}
      <ol data-testid="versions">
        {props.versions.map((v) => (
          <li key={v.id} data-version={v.version}>
            {fill(l.historyRow, { version: v.version, when: new Date(v.createdAt).toLocaleString(props.locale) })}
            {v.savedBy && l.savedBy ? ` · ${fill(l.savedBy, { who: v.savedBy })}` : null}
            {v.restoredFrom && l.restoredFrom ? ` · ${fill(l.restoredFrom, { version: v.restoredFrom })}` : null} {v.current ? <strong>({l.current})</strong> : null}{' '}
            <button type="button" className={learn.linkButton} aria-pressed={compare?.version.id === v.id} onClick={() => void toggle(v)}>
              {l.compare}
            </button>{' '}
            {props.editable ? (
              <button type="button" className={learn.linkButton} onClick={() => props.onRestore(v)}>
                {l.restore}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {compare ? (
        <div>
          <h3>{fill(l.diffTitle, { version: compare.version.version })}</h3>
          <DiffTable rows={sideBySide(compare.text, props.editing)} left={fill(l.diffVersion, { version: compare.version.version })} right={l.diffDraft} />
        </div>
      ) : null}
    </section>
  );
}
