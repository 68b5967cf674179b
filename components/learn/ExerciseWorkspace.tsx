'use client';
// The exercise page's interactive part: the sandbox (start, stages, time left, extend, reset),
// terminal tabs, the live Pods panel, the check list that ticks live while the learner works
// (runs pushed by the runner on the shell socket), the recorded Check, hints one at a time,
// the solution behind a confirmation, and the attempt history.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { LearnMessages } from '@/messages/learn';
import { Terminal } from '../terminal/Terminal';
import { ApiError, learnerApi } from './api';
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
}

interface LiveResult {
  passed: boolean;
  message: string;
  observed: string | null;
}

const liveRunSchemaCheck = (value: unknown): value is { type: 'checks'; run: { results: { id: string; passed: boolean; message: Record<string, string> | string; observed?: string }[] } } =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'checks' && Array.isArray((value as { run?: { results?: unknown } }).run?.results);

const fill = (template: string, vars: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (w, k: string) => (k in vars ? String(vars[k]) : w));

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
  const [startedAt, setStartedAt] = useState(() => (props.initialSandbox ? Date.parse(props.initialSandbox.createdAt) : Date.now()));
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

  const describeError = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        if (e.code === 'RATE_LIMITED') return fill(m.errors.rateLimited, { minutes: e.retryAfterMinutes ?? 1 });
        if (e.status === 429) return m.errors.limit;
        if (e.code === 'at_capacity') return m.errors.capacity;
        if (e.code === 'runner_unreachable' || e.status === 503) return m.errors.runnerUnavailable;
        if (e.status === 409) return m.errors.notReady;
        return fill(m.errors.generic, { message: e.message });
      }
      return fill(m.errors.generic, { message: (e as Error).message });
    },
    [m],
  );

  const start = useCallback(async () => {
    if (starting.current) return;
    starting.current = true;
    setError(null);
    setStartedAt(Date.now());
    setStage('requesting');
    try {
      // The runner answers the create once the sandbox is ready; meanwhile its own record of
      // the sandbox (state, creation time) drives the stage and the elapsed time.
      let pending = true;
      const watch = async () => {
        while (pending) {
          await new Promise((r) => setTimeout(r, 700));
          if (!pending) return;
          const progress = await learnerApi.progress(exerciseRef).catch(() => null);
          if (pending && progress?.state === 'provisioning') {
            setStage('provisioning');
            if (progress.createdAt) setStartedAt(Date.parse(progress.createdAt));
          }
        }
      };
      void watch();
      let next = await learnerApi.openSandbox(exerciseRef).finally(() => {
        pending = false;
      });
      setStartedAt(Date.parse(next.createdAt));
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
  }, [exerciseRef, describeError, m]);

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
    [locale],
  );

  const ticketFor = useCallback(
    (terminal: string) => async () => {
      if (!sandbox) throw new Error('no sandbox');
      try {
        const url = await learnerApi.ticket(sandbox.id, terminal);
        setStage('ready');
        return url;
      } catch (e) {
        // The sandbox may have ended (idle timeout, maximum lifetime): show that instead of
        // reconnecting forever; the learner can start a fresh one.
        if (e instanceof ApiError && (e.status === 404 || e.status === 409)) {
          const now = await learnerApi.sandbox(sandbox.id).catch(() => null);
          if (now && now.state !== 'ready') {
            setSandbox(now);
            setStage('failed');
            setError(m.expired);
          }
        }
        throw e;
      }
    },
    [sandbox, m],
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
      setHistory((h) => [
        { id: run.attempt!.id, createdAt: run.attempt!.createdAt, passed: run.passed, points: run.points, passedChecks, totalChecks: run.results.length },
        ...h,
      ]);
      setAnnouncement(run.passed ? m.allPassed : fill(m.lastResult, { passed: passedChecks, total: run.results.length, points: run.points, max: run.maxPoints }));
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

  const ready = sandbox?.state === 'ready';
  const expiresIn = sandbox ? Date.parse(sandbox.expiresAt) - now : 0;
  const expired = ready && expiresIn <= 0;
  const passedCount = props.checks.filter((c) => live[c.id]?.passed).length;
  const terminalLabels = {
    region: m.terminalRegion,
    connected: m.connected,
    connecting: m.connecting,
    reconnecting: m.reconnecting,
    reconnected: m.reconnected,
    disconnected: m.disconnected,
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
            {fill(m.liveSummary, { passed: passedCount, total: props.checks.length })}
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
                      {result.observed && !result.message.includes(result.observed) ? <> — {fill(m.observed, { observed: result.observed })}</> : null}
                    </p>
                  ) : null}
                  {shown.map((text, i) => (
                    <p key={i} className={styles.hint} data-testid="hint">
                      <strong>
                        {m.hint} {i + 1}:
                      </strong>{' '}
                      {text}
                    </p>
                  ))}
                  {shown.length < c.hintCount ? (
                    <button type="button" className={styles.linkButton} onClick={() => void revealHint(c.id)}>
                      {fill(m.nextHint, { n: shown.length + 1, total: c.hintCount })}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ol>
          <div className={styles.toolbar}>
            <button type="button" className={styles.button} onClick={() => void check()} disabled={!ready || checking || expired} data-testid="check-button">
              {checking ? m.checking : m.checkNow}
            </button>
          </div>
          <p role="status" aria-live="polite" data-testid="check-summary">
            {announcement}
          </p>
          {lastRun?.passed ? <p className={styles.success}>{m.allPassed}</p> : null}
        </section>
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
                {fill(m.attemptRow, {
                  when: new Date(a.createdAt).toLocaleString(locale),
                  passed: a.passedChecks,
                  total: a.totalChecks,
                  points: a.points,
                })}
              </li>
            ))}
          </ol>
        </section>
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
                <span data-testid="time-left">{expired ? m.expired : fill(m.timeLeft, { time: formatLeft(expiresIn) })}</span>
                <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={() => void extend()} disabled={expired}>
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
                        {fill(m.terminalLabel, { n: t.slice(1) })}
                      </button>
                  ))}
                </div>
                <div className={styles.tabTools}>
                  {tabs.length > 1 ? (
                    <button type="button" title={fill(m.closeTab, { n: activeTab.slice(1) })} onClick={() => closeTab(activeTab)}>
                      <span aria-hidden="true">×</span>
                      <span className={styles.visuallyHidden}>{fill(m.closeTab, { n: activeTab.slice(1) })}</span>
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
              }}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
