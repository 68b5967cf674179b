'use client';
// The exercise page's interactive part, assembled from its panels: the sandbox (start, stages,
// time left, extend, reset; SandboxPanel), terminal tabs (TerminalTabs), the live Pods panel,
// the check list that ticks live while the learner works (runs pushed by the runner on the
// shell socket) with the recorded Check and the hints (ChecksPanel), the solution behind a
// confirmation (SolutionPanel), and the attempt history (AttemptHistory). The rules of the
// sandbox's lifecycle, the live results and the tabs are pure, in lib/learn/workspace-state.ts;
// the check results are one reducer (ExerciseWorkspace.checks.ts); this file wires them to the
// learner API.
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useReducer, useRef, type ReactNode } from 'react';
import { format } from '@/lib/i18n/format';
import {
  hasEnded,
  initialLifecycle,
  isLiveRunControl,
  isSandboxControl,
  isUsable,
  lifecycleReducer,
  passedCount,
} from '@/lib/learn/workspace-state';
import type { LearnMessages } from '@/messages/learn';
import { ApiError, learnerApi } from './api';
import { AttemptHistory, type AttemptForBrowser } from './AttemptHistory';
import { ChecksPanel, type CheckForBrowser } from './ChecksPanel';
import { checkResultsReducer, initialCheckResults } from './ExerciseWorkspace.checks';
import { PodsPanel } from './PodsPanel';
import { SandboxPanel } from './SandboxPanel';
import { SolutionPanel } from './SolutionPanel';
import { TerminalTabs, useTerminalTabs } from './TerminalTabs';
import type { CheckRunForBrowser, SandboxForBrowser, SolutionForBrowser } from './types';
import { describeApiError, endedMessage } from './workspace-errors';
import styles from './learn.module.css';

export type { AttemptForBrowser, CheckForBrowser };

export interface ExerciseWorkspaceProps {
  exerciseRef: string;
  locale: 'en' | 'zh-CN';
  initialSandbox: SandboxForBrowser | null;
  /** The learner's newest sandbox here was lost with its runner: say so, and start a new one only when asked. */
  lostSandbox?: boolean;
  checks: CheckForBrowser[];
  lastRun: CheckRunForBrowser | null;
  history: AttemptForBrowser[];
  solution: SolutionForBrowser | null;
  /** The tasks (server-rendered Markdown). */
  tasks: ReactNode;
  m: LearnMessages['exercise'];
  /**
   * An instructor's "Try it" of a draft: the sandbox comes from `openSandbox` (made from the
   * draft as it is), Check records nothing, and hints, solution and history (which belong to a
   * published exercise) are not offered.
   */
  tryDraft?: { openSandbox: () => Promise<SandboxForBrowser> };
}

/**
 * This browser tab's own name for its terminals: a reload keeps it (sessionStorage), so the
 * runner re-attaches to the same shells; another tab gets its own, so tabs never share one.
 */
function browserTabKey(): string {
  const saved = window.sessionStorage.getItem('kubelab.tab');
  if (saved && /^[a-z0-9]{8}$/.test(saved)) return saved;
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  window.sessionStorage.setItem('kubelab.tab', fresh);
  return fresh;
}

export function ExerciseWorkspace(props: ExerciseWorkspaceProps) {
  const { m, exerciseRef, locale } = props;
  const [lifecycle, dispatch] = useReducer(lifecycleReducer, props.initialSandbox, (sandbox) => initialLifecycle(sandbox, Date.now()));
  const { sandbox } = lifecycle;
  const router = useRouter();
  const [results, dispatchResults] = useReducer(checkResultsReducer, null, () => initialCheckResults(props.lastRun, props.history));
  const { live, lastRun, checking, history, announcement } = results;
  const terminals = useTerminalTabs(sandbox?.id);
  const starting = useRef(false);

  const showError = useCallback((e: unknown) => dispatch({ type: 'error', message: describeApiError(e, m.errors) }), [m]);

  /** The sandbox is gone: say why, in the learner's words, and offer a new one. */
  const ended = useCallback(
    (endReason: string | undefined, last?: SandboxForBrowser) => dispatch({ type: 'failed', message: endedMessage(endReason, m), ...(last ? { sandbox: last } : {}) }),
    [m],
  );

  const start = useCallback(async () => {
    if (starting.current) return;
    starting.current = true;
    dispatch({ type: 'start', at: Date.now() });
    dispatchResults({ type: 'cleared' });
    try {
      // The runner answers the create once the sandbox is ready; meanwhile its own record of
      // the sandbox (state, creation time) drives the stage and the elapsed time.
      let pending = true;
      const watch = async () => {
        while (pending) {
          await new Promise((r) => setTimeout(r, 700));
          if (!pending) return;
          const progress = await learnerApi.progress(exerciseRef).catch(() => null);
          if (pending && progress?.state === 'provisioning') dispatch({ type: 'provisioning' });
        }
      };
      void watch();
      let next = await (props.tryDraft ? props.tryDraft.openSandbox() : learnerApi.openSandbox(exerciseRef)).finally(() => {
        pending = false;
      });
      while (next.state === 'provisioning') {
        dispatch({ type: 'provisioning', sandbox: next });
        await new Promise((r) => setTimeout(r, 1000));
        next = await learnerApi.sandbox(next.id);
      }
      dispatch({ type: 'opened', sandbox: next, failedMessage: m.stages.failed });
    } catch (e) {
      dispatch({ type: 'failed', message: describeApiError(e, m.errors) });
    } finally {
      starting.current = false;
    }
  }, [exerciseRef, m, props.tryDraft]);

  // Opening the exercise starts (or resumes) the learner's sandbox; after a lost one the page says
  // so first and the learner starts the next (a silent new sandbox would look like lost work).
  useEffect(() => {
    if (props.lostSandbox) ended('runner_lost');
    else if (!props.initialSandbox) void start();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onControl = useCallback(
    (message: unknown) => {
      if (isSandboxControl(message)) {
        const pushed = message.sandbox;
        dispatch({ type: 'deadlines', expiresAt: pushed.expiresAt, maxExpiresAt: pushed.maxExpiresAt });
        if (hasEnded(pushed.state)) ended(pushed.endReason);
        return;
      }
      if (isLiveRunControl(message)) dispatchResults({ type: 'pushed', results: message.run.results, locale });
    },
    [locale, ended],
  );

  const ticketFor = useCallback(
    (terminal: string) => async () => {
      if (!sandbox) throw new Error('no sandbox');
      try {
        const url = await learnerApi.ticket(sandbox.id, `${browserTabKey()}-${terminal}`);
        dispatch({ type: 'connected' });
        return url;
      } catch (e) {
        // The sandbox may have ended (idle timeout, maximum lifetime) or been lost with its runner
        // (410): show that instead of reconnecting forever; the learner can start a fresh one.
        if (e instanceof ApiError && (e.status === 404 || e.status === 409 || e.status === 410)) {
          const now = await learnerApi.sandbox(sandbox.id).catch(() => null);
          if (now && now.state !== 'ready') ended(now.endReason ?? undefined, now);
        }
        throw e;
      }
    },
    [sandbox, ended],
  );

  async function check() {
    if (!sandbox) return;
    dispatchResults({ type: 'checking' });
    dispatch({ type: 'error', message: null });
    try {
      const run = await learnerApi.check(sandbox.id);
      const passedChecks = run.results.filter((r) => r.passed).length;
      const announcement = run.passed ? m.allPassed : format(m.lastResult, { passed: passedChecks, total: run.results.length, points: run.points, max: run.maxPoints });
      dispatchResults({ type: 'checked', run, announcement });
      // The header's state and points come from the server: render them again now.
      router.refresh();
    } catch (e) {
      dispatchResults({ type: 'checkFailed' });
      showError(e);
    }
  }

  async function reset() {
    if (!sandbox || !window.confirm(m.resetConfirm)) return;
    dispatch({ type: 'error', message: null });
    try {
      await learnerApi.deleteSandbox(sandbox.id);
    } catch (e) {
      showError(e);
      return;
    }
    dispatch({ type: 'removed' });
    terminals.dispatch({ type: 'reset' });
    dispatchResults({ type: 'cleared' });
    await start();
  }

  async function extend() {
    if (!sandbox) return;
    try {
      dispatch({ type: 'updated', sandbox: await learnerApi.extend(sandbox.id) });
    } catch (e) {
      showError(e);
    }
  }

  const ready = isUsable(lifecycle);
  const passed = passedCount(props.checks, live);
  // The summary speaks of the latest result, recorded or live, not of an older attempt.
  const allPassingNow = props.checks.length > 0 && passed === props.checks.length;

  return (
    <div className={styles.workspace}>
      <div className={styles.instructions}>
        <section aria-labelledby="tasks-title">
          <h2 id="tasks-title">{m.tasksTitle}</h2>
          {props.tasks}
        </section>
        <ChecksPanel
          exerciseRef={exerciseRef}
          checks={props.checks}
          live={live}
          passed={passed}
          canCheck={ready}
          checking={checking}
          onCheck={() => void check()}
          announcement={announcement}
          allPassed={Boolean(lastRun?.passed && allPassingNow)}
          canRevealHints={!props.tryDraft}
          onError={showError}
          m={m}
        />
        {props.tryDraft ? null : (
          <>
            <SolutionPanel exerciseRef={exerciseRef} initial={props.solution} onError={showError} m={m} />
            <AttemptHistory history={history} locale={locale} m={m} />
          </>
        )}
      </div>

      <div className={styles.stack}>
        <SandboxPanel lifecycle={lifecycle} onStart={() => void start()} onExtend={() => void extend()} onReset={() => void reset()} m={m} />
        {ready && sandbox ? (
          <>
            <p className={styles.narrowNotice}>{m.narrowNotice}</p>
            <TerminalTabs sandboxId={sandbox.id} state={terminals} ticketUrl={ticketFor} onControl={onControl} m={m} />
            <PodsPanel
              sandboxId={sandbox.id}
              labels={{
                title: m.podsTitle,
                empty: m.podsEmpty,
                unavailable: m.podsUnavailable,
                podName: m.podName,
                podPhase: m.podPhase,
                containerName: m.containerName,
                containerState: m.containerState,
                restarts: m.restarts,
                ready: m.ready,
                yes: m.yes,
                no: m.no,
                previewTitle: m.previewTitle,
                previewHelp: m.previewHelp,
                previewPod: m.previewPod,
                previewPort: m.previewPort,
                previewOpen: m.previewOpen,
                previewFailed: m.previewFailed,
              }}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
