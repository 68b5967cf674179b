// The exercise page's check results as one state with named events: the live results (pushed
// by the runner while the learner works, replaced by a recorded run), the last recorded run,
// whether a Check is in flight, the attempt history and the sentence announced after a Check.
// The sandbox's lifecycle and the terminal tabs have their own reducers (lib/learn/workspace-state.ts).
import { liveFromRun, withLiveRun, type LiveResults, type PushedResult } from '@/lib/learn/workspace-state';
import type { AttemptForBrowser } from './AttemptHistory';
import type { CheckRunForBrowser } from './types';

export interface CheckResults {
  live: LiveResults;
  lastRun: CheckRunForBrowser | null;
  checking: boolean;
  history: AttemptForBrowser[];
  announcement: string;
}

export type CheckResultsEvent =
  /** A new sandbox: nothing it has been checked for yet. */
  | { type: 'cleared' }
  | { type: 'pushed'; results: readonly PushedResult[]; locale: string }
  | { type: 'checking' }
  /** A recorded run came back; `announcement` is its summary in the reader's words. */
  | { type: 'checked'; run: CheckRunForBrowser; announcement: string }
  | { type: 'checkFailed' };

export function initialCheckResults(lastRun: CheckRunForBrowser | null, history: AttemptForBrowser[]): CheckResults {
  return { live: liveFromRun(lastRun?.results ?? []), lastRun, checking: false, history, announcement: '' };
}

export function checkResultsReducer(state: CheckResults, event: CheckResultsEvent): CheckResults {
  switch (event.type) {
    case 'cleared':
      return { ...state, live: {} };
    case 'pushed':
      return { ...state, live: withLiveRun(state.live, event.results, event.locale) };
    case 'checking':
      return { ...state, checking: true };
    case 'checked': {
      const { run } = event;
      const attempt = run.attempt;
      const history = attempt
        ? [{ id: attempt.id, createdAt: attempt.createdAt, passed: run.passed, points: run.points, passedChecks: run.results.filter((r) => r.passed).length, totalChecks: run.results.length }, ...state.history]
        : state.history;
      return { live: liveFromRun(run.results), lastRun: run, checking: false, history, announcement: event.announcement };
    }
    case 'checkFailed':
      return { ...state, checking: false };
  }
}
