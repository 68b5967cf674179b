// The learner's recorded Check runs on this exercise, newest first.
import { plural } from '@/lib/i18n/format';
import type { LearnMessages } from '@/messages/learn';

export interface AttemptForBrowser {
  id: string;
  createdAt: string;
  passed: boolean;
  points: number;
  passedChecks: number;
  totalChecks: number;
}

export function AttemptHistory({ history, locale, m }: { history: AttemptForBrowser[]; locale: 'en' | 'zh-CN'; m: LearnMessages['exercise'] }) {
  return (
    <section aria-labelledby="history-title" data-testid="history">
      <h2 id="history-title">{m.historyTitle}</h2>
      {history.length === 0 ? <p>{m.historyEmpty}</p> : null}
      <ol>
        {history.map((a) => (
          <li key={a.id}>
            <strong>{a.passed ? m.attemptPassed : m.attemptFailed}</strong> —{' '}
            {plural(locale, m.attemptRow, a.points, {
              when: new Date(a.createdAt).toLocaleString(locale),
              passed: a.passedChecks,
              total: a.totalChecks,
              points: a.points,
            })}
          </li>
        ))}
      </ol>
    </section>
  );
}
