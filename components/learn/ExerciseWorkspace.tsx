'use client';
// The exercise page's interactive part: the sandbox (start, stages, time left, extend, reset),
// terminal tabs, the live Pods panel, the check list that ticks live while the learner works
// (runs pushed by the runner on the shell socket), the recorded Check, hints one at a time,
// the solution behind a confirmation, and the attempt history.
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { LearnMessages } from '@/messages/learn';
import { Terminal } from '../terminal/Terminal';
import { ApiError, learnerApi } from './api';
import { Markdown } from './Markdown';
import { format, plural } from '@/lib/i18n/format';
import { PodsPanel } from './PodsPanel';
import { ProvisioningIndicator, type Stage } from './ProvisioningIndicator';
import type { CheckRunForBrowser, SandboxForBrowser, SolutionForBrowser } from './types';
import styles from './learn.module.css';

export interface CheckForBrowser {
  id: string;
  title: string;
  points: number;
  hintCount: number;
  revealedHints: string[];
}

export interface AttemptForBrowser {
  id: string;
  createdAt: string;
  passed: boolean;
  points: number;
  passedChecks: number;
  totalChecks: number;
}

export interface ExerciseWorkspaceProps {
  exerciseRef: string;
  locale: 'en' | 'zh-CN';
  initialSandbox: SandboxForBrowser | null;
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

interface LiveResult {
  passed: boolean;
  message: string;
  observed: string | null;
}

/** The runner's word on the sandbox (pushed on the shell socket): its state and deadlines, and why it ended. */
type SandboxControl = { type: 'sandbox'; sandbox: { state: SandboxForBrowser['state']; expiresAt: string; maxExpiresAt: string; endReason?: string } };
const isSandboxControl = (value: unknown): value is SandboxControl =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'sandbox' && typeof (value as { sandbox?: { expiresAt?: unknown } }).sandbox?.expiresAt === 'string';

const liveRunSchemaCheck = (value: unknown): value is { type: 'checks'; run: { results: { id: string; passed: boolean; message: Record<string, string> | string; observed?: string }[] } } =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'checks' && Array.isArray((value as { run?: { results?: unknown } }).run?.results);


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

/** A failed learner API call in the learner's words, with what to do next; never a bare status. */
function describeApiError(e: unknown, errors: LearnMessages['exercise']['errors']): string {
  if (!(e instanceof ApiError)) return errors.network;
  switch (e.code) {
    case 'owner_limit_reached':
      return errors.limit;
    case 'at_capacity':
      return errors.capacity;
    case 'shutting_down':
      return errors.restarting;
    case 'runner_unreachable':
    case 'runner_bad_reply':
      return errors.runnerUnavailable;
    case 'sandbox_not_ready':
      return errors.notReady;
    case 'sandbox_not_found':
      return errors.notFound;
    case 'setup_failed':
    case 'exercise_invalid':
      return format(errors.setupFailed, { message: e.message });
    case 'RATE_LIMITED':
      // Too many new sandboxes for this account: the answer says how long the wait is.
      return e.retryAfterMinutes ? format(errors.rateLimited, { minutes: e.retryAfterMinutes }) : errors.slowDown;
  }
  if (e.status === 401) return errors.signedOut;
  if (e.status === 429) return errors.slowDown;
  if (e.status >= 500) return errors.server;
  return format(errors.generic, { message: e.message });
}

function endedMessage(endReason: string | undefined, m: LearnMessages['exercise']): string {
  switch (endReason) {
    case 'idle_timeout':
      return m.endedIdle;
    case 'max_lifetime':
      return m.endedLifetime;
    case 'ended_by_admin':
      return m.endedByAdmin;
    default:
      return m.ended;
  }
}

function formatLeft(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

export function ExerciseWorkspace(props: ExerciseWorkspaceProps) {
  const { m, exerciseRef, locale } = props;
  const [sandbox, setSandbox] = useState<SandboxForBrowser | null>(props.initialSandbox);
  const [stage, setStage] = useState<Stage>(props.initialSandbox?.state === 'ready' ? 'connecting' : 'requesting');
  // The learner's own wait (a sandbox from the warm pool was created long before they asked).
  const [startedAt, setStartedAt] = useState(() => Date.now());
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<Record<string, LiveResult>>(() =>
    Object.fromEntries((props.lastRun?.results ?? []).map((r) => [r.id, { passed: r.passed, message: r.message, observed: r.observed }])),
  );
  const [lastRun, setLastRun] = useState<CheckRunForBrowser | null>(props.lastRun);
  const [checking, setChecking] = useState(false);
  const [hints, setHints] = useState<Record<string, string[]>>(() => Object.fromEntries(props.checks.map((c) => [c.id, c.revealedHints])));
  const [solution, setSolution] = useState<SolutionForBrowser | null>(props.solution);
  const [history, setHistory] = useState<AttemptForBrowser[]>(props.history);
  const [tabs, setTabs] = useState<string[]>(['t1']);
  const [activeTab, setActiveTab] = useState('t1');
  const [fontSize, setFontSize] = useState(14);
  const [now, setNow] = useState(() => Date.now());
  const [announcement, setAnnouncement] = useState('');
  const solutionDialog = useRef<HTMLDialogElement>(null);
  const starting = useRef(false);

  const describeError = useCallback((e: unknown) => describeApiError(e, m.errors), [m]);

  /** The sandbox is gone: say why, in the learner's words, and offer a new one. */
  const ended = useCallback(
    (endReason: string | undefined) => {
      setStage('failed');
      setError(endedMessage(endReason, m));
    },
    [m],
  );

  const start = useCallback(async () => {
    if (starting.current) return;
    starting.current = true;
    setError(null);
    setStartedAt(Date.now());
    setStage('requesting');
    setLive({});
    try {
      // The runner answers the create once the sandbox is ready; meanwhile its own record of
      // the sandbox (state, creation time) drives the stage and the elapsed time.
      let pending = true;
      const watch = async () => {
        while (pending) {
          await new Promise((r) => setTimeout(r, 700));
          if (!pending) return;
          const progress = await learnerApi.progress(exerciseRef).catch(() => null);
          if (pending && progress?.state === 'provisioning') setStage('provisioning');
        }
      };
      void watch();
      let next = await (props.tryDraft ? props.tryDraft.openSandbox() : learnerApi.openSandbox(exerciseRef)).finally(() => {
        pending = false;
      });
      while (next.state === 'provisioning') {
        setStage('provisioning');
        setSandbox(next);
        await new Promise((r) => setTimeout(r, 1000));
        next = await learnerApi.sandbox(next.id);
      }
      setSandbox(next);
      setStage(next.state === 'ready' ? 'connecting' : 'failed');
      if (next.state !== 'ready') setError(next.error?.message ?? m.stages.failed);
    } catch (e) {
      setStage('failed');
      setError(describeError(e));
    } finally {
      starting.current = false;
    }
  }, [exerciseRef, describeError, m, props.tryDraft]);

  // Opening the exercise starts (or resumes) the learner's sandbox.
  useEffect(() => {
    if (!props.initialSandbox) void start();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  // Terminal tabs are remembered per sandbox, so a reload reopens the same shells.
  useEffect(() => {
    if (!sandbox) return;
    const saved = window.sessionStorage.getItem(`kubelab.tabs.${sandbox.id}`);
    if (saved) {
      const parsed = saved.split(',').filter((t) => /^t[1-9][0-9]?$/.test(t));
      if (parsed.length) {
        setTabs(parsed);
        setActiveTab(parsed[0]!);
      }
    }
    const size = Number(window.localStorage.getItem('kubelab.terminal.fontSize'));
    if (size >= 10 && size <= 24) setFontSize(size);
  }, [sandbox?.id]);
  useEffect(() => {
    if (sandbox) window.sessionStorage.setItem(`kubelab.tabs.${sandbox.id}`, tabs.join(','));
  }, [sandbox, tabs]);

  const onControl = useCallback(
    (message: unknown) => {
      if (isSandboxControl(message)) {
        const pushed = message.sandbox;
        setSandbox((current) => (current ? { ...current, expiresAt: pushed.expiresAt, maxExpiresAt: pushed.maxExpiresAt } : current));
        if (pushed.state !== 'ready' && pushed.state !== 'provisioning') ended(pushed.endReason);
        return;
      }
      if (!liveRunSchemaCheck(message)) return;
      setLive((previous) => {
        const next = { ...previous };
        for (const r of message.run.results) {
          const text = typeof r.message === 'string' ? r.message : (r.message[locale] ?? r.message.en ?? '');
          next[r.id] = { passed: r.passed, message: text, observed: r.observed ?? null };
        }
        return next;
      });
    },
    [locale, ended],
  );

  const ticketFor = useCallback(
    (terminal: string) => async () => {
      if (!sandbox) throw new Error('no sandbox');
      try {
        const url = await learnerApi.ticket(sandbox.id, `${browserTabKey()}-${terminal}`);
        setStage('ready');
        return url;
      } catch (e) {
        // The sandbox may have ended (idle timeout, maximum lifetime): show that instead of
        // reconnecting forever; the learner can start a fresh one.
        if (e instanceof ApiError && (e.status === 404 || e.status === 409)) {
          const now = await learnerApi.sandbox(sandbox.id).catch(() => null);
          if (now && now.state !== 'ready') {
            setSandbox(now);
            ended(now.endReason ?? undefined);
          }
        }
        throw e;
      }
    },
    [sandbox, ended],
  );

  async function check() {
    if (!sandbox) return;
    setChecking(true);
    setError(null);
    try {
      const run = await learnerApi.check(sandbox.id);
      setLastRun(run);
      setLive(Object.fromEntries(run.results.map((r) => [r.id, { passed: r.passed, message: r.message, observed: r.observed }])));
      const passedChecks = run.results.filter((r) => r.passed).length;
      const attempt = run.attempt;
      if (attempt) {
        setHistory((h) => [{ id: attempt.id, createdAt: attempt.createdAt, passed: run.passed, points: run.points, passedChecks, totalChecks: run.results.length }, ...h]);
      }
      setAnnouncement(run.passed ? m.allPassed : format(m.lastResult, { passed: passedChecks, total: run.results.length, points: run.points, max: run.maxPoints }));
      // The header's state and points come from the server: render them again now.
      router.refresh();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setChecking(false);
    }
  }

  async function revealHint(checkId: string) {
    const index = hints[checkId]?.length ?? 0;
    try {
      const { text } = await learnerApi.hint(exerciseRef, checkId, index);
      setHints((h) => ({ ...h, [checkId]: [...(h[checkId] ?? []), text] }));
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function revealSolution() {
    solutionDialog.current?.close();
    try {
      setSolution(await learnerApi.solution(exerciseRef));
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function reset() {
    if (!sandbox || !window.confirm(m.resetConfirm)) return;
    setError(null);
    try {
      await learnerApi.deleteSandbox(sandbox.id);
    } catch (e) {
      setError(describeError(e));
      return;
    }
    setSandbox(null);
    setTabs(['t1']);
    setActiveTab('t1');
    setLive({});
    await start();
  }

  async function extend() {
    if (!sandbox) return;
    try {
      setSandbox(await learnerApi.extend(sandbox.id));
    } catch (e) {
      setError(describeError(e));
    }
  }

  function addTab() {
    const used = new Set(tabs);
    let n = 1;
    while (used.has(`t${n}`)) n += 1;
    const id = `t${n}`;
    setTabs([...tabs, id]);
    setActiveTab(id);
  }

  function closeTab(id: string) {
    if (tabs.length === 1) return;
    const next = tabs.filter((t) => t !== id);
    setTabs(next);
    if (activeTab === id) setActiveTab(next[0]!);
  }

  function changeFont(delta: number) {
    const size = Math.min(24, Math.max(10, fontSize + delta));
    setFontSize(size);
    window.localStorage.setItem('kubelab.terminal.fontSize', String(size));
  }

  function onTabKey(event: React.KeyboardEvent, index: number) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    setActiveTab(next);
    document.getElementById(`term-${next}-tab`)?.focus();
  }

  // Expiry is the runner's call (it pushes the end); at 0 locally the sandbox is still usable
  // until it says so, since activity elsewhere (another tab) may have moved the deadline.
  const ready = sandbox?.state === 'ready' && stage !== 'failed';
  const expiresIn = sandbox ? Date.parse(sandbox.expiresAt) - now : 0;
  const passedCount = props.checks.filter((c) => live[c.id]?.passed).length;
  // The summary speaks of the latest result, recorded or live, not of an older attempt.
  const allPassingNow = props.checks.length > 0 && passedCount === props.checks.length;
  const copyLabels = { copy: m.copy, copied: m.copied, label: m.copyLabel };
  const terminalLabels = {
    region: m.terminalRegion,
    connected: m.connected,
    connecting: m.connecting,
    reconnecting: m.reconnecting,
    reconnected: m.reconnected,
    disconnected: m.disconnected,
    takenOver: m.takenOver,
    reconnectNow: m.reconnectNow,
    help: m.terminalHelp,
  };

  return (
    <div className={styles.workspace}>
      <div className={styles.instructions}>
        <section aria-labelledby="tasks-title">
          <h2 id="tasks-title">{m.tasksTitle}</h2>
          {props.tasks}
        </section>
        <section aria-labelledby="checks-title" data-testid="checks">
          <h2 id="checks-title">{m.checksTitle}</h2>
          <p>{m.checksLive}</p>
          <p className={styles.visuallyHidden} aria-live="polite">
            {format(m.liveSummary, { passed: passedCount, total: props.checks.length })}
          </p>
          <ol className={styles.checkList}>
            {props.checks.map((c) => {
              const result = live[c.id];
              const shown = hints[c.id] ?? [];
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
                  {shown.map((text, i) => (
                    <div key={i} className={styles.hint} data-testid="hint">
                      <strong>{format(m.hintNumbered, { n: i + 1 })}</strong>
                      <Markdown source={text} copyLabels={copyLabels} idPrefix={`hint-${c.id}-${i}`} />
                    </div>
                  ))}
                  {shown.length < c.hintCount && !props.tryDraft ? (
                    <button type="button" className={styles.linkButton} onClick={() => void revealHint(c.id)}>
                      {format(m.nextHint, { n: shown.length + 1, total: c.hintCount })}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ol>
          <div className={styles.toolbar}>
            <button type="button" className={styles.button} onClick={() => void check()} disabled={!ready || checking} data-testid="check-button">
              {checking ? m.checking : m.checkNow}
            </button>
          </div>
          <p role="status" aria-live="polite" data-testid="check-summary">
            {announcement}
          </p>
          {lastRun?.passed && allPassingNow ? <p className={styles.success}>{m.allPassed}</p> : null}
        </section>
        {props.tryDraft ? null : (
        <>
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
            <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => solutionDialog.current?.showModal()}>
              {m.showSolution}
            </button>
          )}
          <dialog ref={solutionDialog} className={styles.dialog} aria-labelledby="solution-confirm">
            <p id="solution-confirm">{m.solutionConfirm}</p>
            <div className={styles.toolbar}>
              <button type="button" className={styles.button} onClick={() => void revealSolution()}>
                {m.solutionConfirmYes}
              </button>
              <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => solutionDialog.current?.close()} autoFocus>
                {m.solutionConfirmNo}
              </button>
            </div>
          </dialog>
        </section>
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
        </>
        )}
      </div>

      <div className={styles.stack}>
        <section aria-labelledby="sandbox-title">
          <h2 id="sandbox-title">{m.sandboxTitle}</h2>
          <ProvisioningIndicator stage={stage} startedAt={startedAt} labels={{ title: m.provisioningLabel, stages: m.stages, elapsed: m.elapsed }} />
          {error ? (
            <p className={styles.alert} role="alert">
              {error}
            </p>
          ) : null}
          <div className={styles.toolbar}>
            {ready ? (
              <>
                <span data-testid="time-left" data-expires-at={sandbox?.expiresAt}>{format(m.timeLeft, { time: formatLeft(expiresIn) })}</span>
                <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => void extend()}>
                  {m.extend}
                </button>
                <button type="button" className={`${styles.button} ${styles.buttonDanger}`} onClick={() => void reset()}>
                  {m.resetSandbox}
                </button>
              </>
            ) : stage === 'failed' || (sandbox && sandbox.state !== 'provisioning') ? (
              <button type="button" className={styles.button} onClick={() => void start()}>
                {m.startSandbox}
              </button>
            ) : null}
          </div>
        </section>
        {ready && sandbox ? (
          <>
            <p className={styles.narrowNotice}>{m.narrowNotice}</p>
            <div className={styles.terminalPanel} data-sandbox={sandbox.id}>
              <div className={styles.tabs}>
                <div role="tablist" aria-label={m.terminalRegion}>
                  {tabs.map((t, i) => (
                      <button
                        key={t}
                        type="button"
                        role="tab"
                        id={`term-${t}-tab`}
                        aria-selected={t === activeTab}
                        aria-controls={`term-${t}-panel`}
                        tabIndex={t === activeTab ? 0 : -1}
                        className={styles.tab}
                        onClick={() => setActiveTab(t)}
                        onKeyDown={(e) => onTabKey(e, i)}
                      >
                        {format(m.terminalLabel, { n: t.slice(1) })}
                      </button>
                  ))}
                </div>
                <div className={styles.tabTools}>
                  {tabs.length > 1 ? (
                    <button type="button" title={format(m.closeTab, { n: activeTab.slice(1) })} onClick={() => closeTab(activeTab)}>
                      <span aria-hidden="true">×</span>
                      <span className={styles.visuallyHidden}>{format(m.closeTab, { n: activeTab.slice(1) })}</span>
                    </button>
                  ) : null}
                  <button type="button" onClick={addTab} disabled={tabs.length >= 6} title={m.newTab}>
                    <span aria-hidden="true">+</span>
                    <span className={styles.visuallyHidden}>{m.newTab}</span>
                  </button>
                  <button type="button" onClick={() => changeFont(-1)} title={m.fontSmaller}>
                    <span aria-hidden="true">A−</span>
                    <span className={styles.visuallyHidden}>{m.fontSmaller}</span>
                  </button>
                  <button type="button" onClick={() => changeFont(1)} title={m.fontLarger}>
                    <span aria-hidden="true">A+</span>
                    <span className={styles.visuallyHidden}>{m.fontLarger}</span>
                  </button>
                </div>
              </div>
              {tabs.map((t) => (
                <Terminal
                  key={`${sandbox.id}-${t}`}
                  id={`term-${t}`}
                  active={t === activeTab}
                  fontSize={fontSize}
                  labels={terminalLabels}
                  ticketUrl={ticketFor(t)}
                  onControl={onControl}
                />
              ))}
            </div>
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
