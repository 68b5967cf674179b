'use client';
// The exercise's quiz: one fieldset per question (radio buttons, or checkboxes when more than one
// answer is right), graded by the server. After grading each question says whether it was right,
// with its explanation; the page's progress badge is refreshed, since a passed quiz can complete
// the exercise. The form stays busy until that refresh has landed, so nothing reads a page that
// is still being replaced.
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import type { LearnMessages } from '@/messages/learn/types';
import { format } from '@/lib/i18n/format';
import { learnerApi } from './api';
import styles from './learn.module.css';
import type { QuizQuestionForBrowser, QuizResultForBrowser } from './types';

interface Props {
  exerciseRef: string;
  questions: QuizQuestionForBrowser[];
  passPercent: number;
  /** The learner's last graded answers for this version, if any. */
  lastResult: QuizResultForBrowser | null;
  m: LearnMessages['quiz'];
}

export function QuizForm({ exerciseRef, questions, passPercent, lastResult, m }: Props) {
  const router = useRouter();
  const [result, setResult] = useState<QuizResultForBrowser | null>(lastResult);
  const [fresh, setFresh] = useState(false);
  const [pending, setPending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const busy = pending || refreshing;
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const answers = Object.fromEntries(questions.map((q) => [q.id, data.getAll(q.id).map(String)]));
    setPending(true);
    setError(null);
    try {
      setResult(await learnerApi.submitQuiz(exerciseRef, answers));
      setFresh(true);
      startRefresh(() => router.refresh());
    } catch (e) {
      setError(format(m.error, { message: (e as Error).message }));
    } finally {
      setPending(false);
    }
  }

  const outcome = (id: string) => result?.results.find((r) => r.questionId === id);
  return (
    <section aria-labelledby="quiz-title" data-testid="quiz" className={styles.card}>
      <h2 id="quiz-title">{m.title}</h2>
      <p>{passPercent >= 100 ? m.leadAll : format(m.lead, { passPercent })}</p>
      <form onSubmit={submit} className={styles.stack} aria-busy={busy} aria-describedby={result ? 'quiz-summary' : undefined}>
        {questions.map((q, n) => {
          const o = outcome(q.id);
          const hintId = `quiz-${q.id}-hint`;
          const resultId = `quiz-${q.id}-result`;
          return (
            <fieldset key={q.id} data-testid={`quiz-question-${q.id}`} aria-describedby={o ? `${hintId} ${resultId}` : hintId}>
              <legend>
                {n + 1}. {q.prompt}
              </legend>
              <p id={hintId} className={styles.lead}>
                {q.multiple ? m.chooseMany : m.chooseOne}
              </p>
              {q.choices.map((c) => (
                <div key={c.id}>
                  <label>
                    <input
                      type={q.multiple ? 'checkbox' : 'radio'}
                      name={q.id}
                      value={c.id}
                      defaultChecked={lastResult?.results.find((r) => r.questionId === q.id)?.chosen.includes(c.id) ?? false}
                      required={!q.multiple}
                    />{' '}
                    {c.text}
                  </label>
                </div>
              ))}
              {o ? (
                <p id={resultId} data-testid={`quiz-result-${q.id}`} className={`${styles.quizResult} ${o.correct ? styles.status_passed : styles.status_in_progress}`}>
                  {o.correct ? m.correct : m.incorrect} {o.explanation}
                </p>
              ) : null}
            </fieldset>
          );
        })}
        <p>
          <button type="submit" className={styles.button} disabled={busy}>
            {busy ? m.submitting : m.submit}
          </button>
        </p>
        <div role="status" aria-live="polite" id="quiz-summary" data-testid="quiz-summary">
          {error ? (
            <p>{error}</p>
          ) : result ? (
            <p>
              {!fresh ? `${m.previous} ` : null}
              {result.passed ? format(m.passed, { percent: result.percent }) : format(m.failed, { percent: result.percent, passPercent: result.passPercent })}
            </p>
          ) : null}
        </div>
      </form>
    </section>
  );
}
