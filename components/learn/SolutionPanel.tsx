'use client';
// The exercise's solution, behind a confirmation: manifests, commands and the explanation.
// Revealing it is recorded by the web app.
import { useRef, useState } from 'react';
import type { LearnMessages } from '@/messages/learn';
import { learnerApi } from './api';
import type { SolutionForBrowser } from './types';
import styles from './learn.module.css';

export function SolutionPanel({
  exerciseRef,
  initial,
  onError,
  m,
}: {
  exerciseRef: string;
  /** The solution when the learner revealed it before the page was rendered. */
  initial: SolutionForBrowser | null;
  onError: (e: unknown) => void;
  m: LearnMessages['exercise'];
}) {
  const [solution, setSolution] = useState<SolutionForBrowser | null>(initial);
  const dialog = useRef<HTMLDialogElement>(null);

  async function reveal() {
    dialog.current?.close();
    try {
      setSolution(await learnerApi.solution(exerciseRef));
    } catch (e) {
      onError(e);
    }
  }

  return (
    <section aria-labelledby="solution-title">
      <h2 id="solution-title">{m.solutionTitle}</h2>
      {solution ? (
        <div data-testid="solution">
          {solution.manifests.map((yaml, i) => (
            <pre key={`m${i}`} tabIndex={0} className={styles.codeBlock}>
              <code>{yaml}</code>
            </pre>
          ))}
          {solution.commands.map((command, i) => (
            <pre key={`c${i}`} tabIndex={0} className={styles.codeBlock}>
              <code>{command}</code>
            </pre>
          ))}
          <h3>{m.explanation}</h3>
          <p>{solution.explanation}</p>
        </div>
      ) : (
        <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => dialog.current?.showModal()}>
          {m.showSolution}
        </button>
      )}
      <dialog ref={dialog} className={styles.dialog} aria-labelledby="solution-confirm">
        <p id="solution-confirm">{m.solutionConfirm}</p>
        <div className={styles.toolbar}>
          <button type="button" className={styles.button} onClick={() => void reveal()}>
            {m.solutionConfirmYes}
          </button>
          <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => dialog.current?.close()} autoFocus>
            {m.solutionConfirmNo}
          </button>
        </div>
      </dialog>
    </section>
  );
}
