'use client';
// The exercise's checks: each one ticks live while the learner works (runs pushed by the
// runner), says what was observed when it fails, and offers its hints; the Check button
// records a run, and its outcome is announced.
import { format } from '@/lib/i18n/format';
import type { LiveResults } from '@/lib/learn/workspace-state';
import type { LearnMessages } from '@/messages/learn';
import { CheckHints } from './CheckHints';
import styles from './learn.module.css';

export interface CheckForBrowser {
  id: string;
  title: string;
  points: number;
  hintCount: number;
  revealedHints: string[];
}

export function ChecksPanel({
  exerciseRef,
  checks,
  live,
  passed,
  canCheck,
  checking,
  onCheck,
  announcement,
  allPassed,
  canRevealHints,
  onError,
  m,
}: {
  exerciseRef: string;
  checks: CheckForBrowser[];
  live: LiveResults;
  /** How many checks pass in the latest results. */
  passed: number;
  canCheck: boolean;
  checking: boolean;
  onCheck: () => void;
  /** What the last recorded run said, for screen readers and the eye. */
  announcement: string;
  /** The last recorded run passed and every check still passes. */
  allPassed: boolean;
  canRevealHints: boolean;
  onError: (e: unknown) => void;
  m: LearnMessages['exercise'];
}) {
  return (
    <section aria-labelledby="checks-title" data-testid="checks">
      <h2 id="checks-title">{m.checksTitle}</h2>
      <p>{m.checksLive}</p>
      <p className={styles.visuallyHidden} aria-live="polite">
        {format(m.liveSummary, { passed, total: checks.length })}
      </p>
      <ol className={styles.checkList}>
        {checks.map((c) => {
          const result = live[c.id];
          return (
            <li key={c.id} className={styles.checkItem} data-check={c.id} data-passed={result ? String(result.passed) : undefined}>
              <div className={styles.checkHead}>
                <span className={styles.checkIcon} aria-hidden="true">
                  {result ? (result.passed ? '✓' : '✗') : '○'}
                </span>
                <span>
                  <span className={styles.visuallyHidden}>{result ? (result.passed ? `${m.attemptPassed}: ` : `${m.attemptFailed}: `) : ''}</span>
                  {c.title}
                </span>
              </div>
              {result && !result.passed ? (
                <p className={styles.observed}>
                  {result.message}
                  {result.observed && !result.message.includes(result.observed) ? <> — {format(m.observed, { observed: result.observed })}</> : null}
                </p>
              ) : null}
              <CheckHints
                exerciseRef={exerciseRef}
                checkId={c.id}
                revealed={c.revealedHints}
                hintCount={c.hintCount}
                canReveal={canRevealHints}
                onError={onError}
                m={m}
              />
            </li>
          );
        })}
      </ol>
      <div className={styles.toolbar}>
        <button type="button" className={styles.button} onClick={onCheck} disabled={!canCheck || checking} data-testid="check-button">
          {checking ? m.checking : m.checkNow}
        </button>
      </div>
      <p role="status" aria-live="polite" data-testid="check-summary">
        {announcement}
      </p>
      {allPassed ? <p className={styles.success}>{m.allPassed}</p> : null}
    </section>
  );
}
