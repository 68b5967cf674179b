'use client';
// One check's hints: those already revealed, and a button for the next one (each reveal is
// recorded by the web app, so the learner's progress shows how much help they took).
import { useState } from 'react';
import { format } from '@/lib/i18n/format';
import type { LearnMessages } from '@/messages/learn';
import { learnerApi } from './api';
import { Markdown } from './Markdown';
import styles from './learn.module.css';

export function CheckHints({
  exerciseRef,
  checkId,
  revealed,
  hintCount,
  canReveal,
  onError,
  m,
}: {
  exerciseRef: string;
  checkId: string;
  /** The hints revealed before the page was rendered. */
  revealed: string[];
  hintCount: number;
  /** False for an instructor's "Try it" of a draft: hints belong to a published exercise. */
  canReveal: boolean;
  onError: (e: unknown) => void;
  m: LearnMessages['exercise'];
}) {
  const [shown, setShown] = useState<string[]>(revealed);
  const copyLabels = { copy: m.copy, copied: m.copied, label: m.copyLabel };

  async function revealNext() {
    try {
      const { text } = await learnerApi.hint(exerciseRef, checkId, shown.length);
      setShown((h) => [...h, text]);
    } catch (e) {
      onError(e);
    }
  }

  return (
    <>
      {shown.map((text, i) => (
        <div key={i} className={styles.hint} data-testid="hint">
          <strong>{format(m.hintNumbered, { n: i + 1 })}</strong>
          <Markdown source={text} copyLabels={copyLabels} idPrefix={`hint-${checkId}-${i}`} />
        </div>
      ))}
      {shown.length < hintCount && canReveal ? (
        <button type="button" className={styles.linkButton} onClick={() => void revealNext()}>
          {format(m.nextHint, { n: shown.length + 1, total: hintCount })}
        </button>
      ) : null}
    </>
  );
}
