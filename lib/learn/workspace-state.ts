// The exercise page's state, apart from React and the network, so each rule can be read and
// tested on its own: the sandbox's lifecycle as a reducer (the stage the learner sees, the
// sandbox as last heard of, the one error line), the live check results, the terminal tabs,
// and the messages the runner pushes on the shell socket. components/learn/ExerciseWorkspace.tsx
// wires these to the learner API.
import type { CheckResultForBrowser, SandboxForBrowser } from '../../components/learn/types';

/** What the provisioning indicator shows: the learner's wait, step by step. */
export type Stage = 'requesting' | 'provisioning' | 'connecting' | 'ready' | 'failed';

export interface SandboxLifecycle {
  sandbox: SandboxForBrowser | null;
  stage: Stage;
  /** When the learner's own wait began (a sandbox from the warm pool was created long before they asked). */
  startedAt: number;
  /** The one error line the page shows, in the learner's words; null when there is none. */
  error: string | null;
}

export type SandboxEvent =
  /** The learner asked for a sandbox (on opening the exercise, Start, or Reset). */
  | { type: 'start'; at: number }
  /** The runner is building it; `sandbox` when its record came with the news. */
  | { type: 'provisioning'; sandbox?: SandboxForBrowser }
  /** The create answered: ready to connect, or failed (`failedMessage` when the runner gave no reason). */
  | { type: 'opened'; sandbox: SandboxForBrowser; failedMessage: string }
  /** A terminal got its ticket: the sandbox is in use. */
  | { type: 'connected' }
  /** The sandbox is gone or could not be had: `message` says why; `sandbox` is its last record when known. */
  | { type: 'failed'; message: string; sandbox?: SandboxForBrowser }
  /** The runner pushed new deadlines (activity, an extension in another tab). */
  | { type: 'deadlines'; expiresAt: string; maxExpiresAt: string }
  /** A fresh record of the same sandbox (after Extend). */
  | { type: 'updated'; sandbox: SandboxForBrowser }
  /** Reset deleted it; a start follows. */
  | { type: 'removed' }
  /** An error line that does not change the sandbox (a failed Check, hint or solution), or null to clear it. */
  | { type: 'error'; message: string | null };

export function initialLifecycle(sandbox: SandboxForBrowser | null, now: number): SandboxLifecycle {
  return { sandbox, stage: sandbox?.state === 'ready' ? 'connecting' : 'requesting', startedAt: now, error: null };
}

export function lifecycleReducer(state: SandboxLifecycle, event: SandboxEvent): SandboxLifecycle {
  switch (event.type) {
    case 'start':
      return { ...state, stage: 'requesting', startedAt: event.at, error: null };
    case 'provisioning':
      return { ...state, stage: 'provisioning', ...(event.sandbox ? { sandbox: event.sandbox } : {}) };
    case 'opened':
      return event.sandbox.state === 'ready'
        ? { ...state, sandbox: event.sandbox, stage: 'connecting' }
        : { ...state, sandbox: event.sandbox, stage: 'failed', error: event.sandbox.error?.message ?? event.failedMessage };
    case 'connected':
      return { ...state, stage: 'ready' };
    case 'failed':
      return { ...state, stage: 'failed', error: event.message, ...(event.sandbox ? { sandbox: event.sandbox } : {}) };
    case 'deadlines':
      return state.sandbox ? { ...state, sandbox: { ...state.sandbox, expiresAt: event.expiresAt, maxExpiresAt: event.maxExpiresAt } } : state;
    case 'updated':
      return { ...state, sandbox: event.sandbox };
    case 'removed':
      return { ...state, sandbox: null };
    case 'error':
      return { ...state, error: event.message };
  }
}

/**
 * The sandbox can be worked in: the runner says ready and the page has not seen it end.
 * Expiry is the runner's call (it pushes the end): at 0 locally the sandbox is still usable
 * until it says so, since activity elsewhere (another tab) may have moved the deadline.
 */
export function isUsable(state: SandboxLifecycle): boolean {
  return state.sandbox?.state === 'ready' && state.stage !== 'failed';
}

/** Whether the page offers "Start a sandbox": nothing usable, and nothing being built. */
export function offersStart(state: SandboxLifecycle): boolean {
  return !isUsable(state) && (state.stage === 'failed' || (state.sandbox !== null && state.sandbox.state !== 'provisioning'));
}

/** "m:ss", or "h:mm:ss" from an hour up; never negative. */
export function formatTimeLeft(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

// --- live check results -------------------------------------------------------------------

export interface LiveResult {
  passed: boolean;
  message: string;
  observed: string | null;
}

export type LiveResults = Record<string, LiveResult>;

/** The results of a recorded run, by check id (they replace whatever the live runs said). */
export function liveFromRun(results: readonly Pick<CheckResultForBrowser, 'id' | 'passed' | 'message' | 'observed'>[]): LiveResults {
  return Object.fromEntries(results.map((r) => [r.id, { passed: r.passed, message: r.message, observed: r.observed }]));
}

/** A check result as the runner pushes it: its message in every locale (or already one string). */
export interface PushedResult {
  id: string;
  passed: boolean;
  message: Record<string, string> | string;
  observed?: string;
  /** What the runner saw, in every locale. */
  observedText?: Record<string, string>;
}

/** A live run merged over the previous results, each message in the reader's locale (English when it lacks one). */
export function withLiveRun(previous: LiveResults, results: readonly PushedResult[], locale: string): LiveResults {
  const next = { ...previous };
  for (const r of results) {
    const text = typeof r.message === 'string' ? r.message : (r.message[locale] ?? r.message.en ?? '');
    next[r.id] = { passed: r.passed, message: text, observed: r.observedText?.[locale] ?? r.observed ?? null };
  }
  return next;
}

/** How many of `checks` pass in the latest results. */
export function passedCount(checks: readonly { id: string }[], live: LiveResults): number {
  return checks.filter((c) => live[c.id]?.passed).length;
}

// --- what the runner pushes on the shell socket ---------------------------------------------

/** The runner's word on the sandbox: its state and deadlines, and why it ended. */
export type SandboxControl = {
  type: 'sandbox';
  sandbox: { state: SandboxForBrowser['state']; expiresAt: string; maxExpiresAt: string; endReason?: string };
};

export function isSandboxControl(value: unknown): value is SandboxControl {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'sandbox' &&
    typeof (value as { sandbox?: { expiresAt?: unknown } }).sandbox?.expiresAt === 'string'
  );
}

export type LiveRunControl = { type: 'checks'; run: { results: PushedResult[] } };

export function isLiveRunControl(value: unknown): value is LiveRunControl {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'checks' && Array.isArray((value as { run?: { results?: unknown } }).run?.results);
}

/** Whether a pushed sandbox state means the sandbox is gone (anything but ready or still being built). */
export function hasEnded(state: SandboxForBrowser['state']): boolean {
  return state !== 'ready' && state !== 'provisioning';
}

// --- terminal tabs --------------------------------------------------------------------------

export const MAX_TABS = 6;
export const FONT_SIZE = { min: 10, max: 24, initial: 14 } as const;

export interface TabsState {
  /** Tab ids `t1` … `t<n>`: the terminal's name on the runner is the browser tab's key plus this. */
  tabs: string[];
  active: string;
}

export type TabsEvent =
  | { type: 'add' }
  | { type: 'close'; id: string }
  | { type: 'select'; id: string }
  /** Tabs remembered for this sandbox (sessionStorage, comma-separated); ignored when nothing valid is in it. */
  | { type: 'restore'; saved: string | null }
  | { type: 'reset' };

export const FIRST_TABS: TabsState = { tabs: ['t1'], active: 't1' };

export function tabsReducer(state: TabsState, event: TabsEvent): TabsState {
  switch (event.type) {
    case 'add': {
      if (state.tabs.length >= MAX_TABS) return state;
      const used = new Set(state.tabs);
      let n = 1;
      while (used.has(`t${n}`)) n += 1;
      return { tabs: [...state.tabs, `t${n}`], active: `t${n}` };
    }
    case 'close': {
      if (state.tabs.length === 1 || !state.tabs.includes(event.id)) return state;
      const tabs = state.tabs.filter((t) => t !== event.id);
      return { tabs, active: state.active === event.id ? tabs[0]! : state.active };
    }
    case 'select':
      return state.tabs.includes(event.id) ? { ...state, active: event.id } : state;
    case 'restore': {
      const parsed = (event.saved ?? '').split(',').filter((t) => /^t[1-9][0-9]?$/.test(t));
      return parsed.length ? { tabs: parsed, active: parsed[0]! } : state;
    }
    case 'reset':
      return FIRST_TABS;
  }
}

/** The tab an arrow key moves to from the tab at `index` (wrapping); undefined for any other key. */
export function neighbourTab(tabs: readonly string[], index: number, key: string): string | undefined {
  if (key !== 'ArrowRight' && key !== 'ArrowLeft') return undefined;
  return tabs[(index + (key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
}

/** A font size stepped by `delta`, kept within the allowed range. */
export function steppedFontSize(size: number, delta: number): number {
  return Math.min(FONT_SIZE.max, Math.max(FONT_SIZE.min, size + delta));
}

/** The font size remembered in localStorage, when it is one the page allows. */
export function savedFontSize(saved: string | null): number | undefined {
  const size = Number(saved);
  return size >= FONT_SIZE.min && size <= FONT_SIZE.max ? size : undefined;
}
