import { describe, expect, it } from 'vitest';
import type { SandboxForBrowser } from '../../components/learn/types';
import {
  FIRST_TABS,
  formatTimeLeft,
  hasEnded,
  initialLifecycle,
  isLiveRunControl,
  isSandboxControl,
  isUsable,
  lifecycleReducer,
  liveFromRun,
  neighbourTab,
  offersStart,
  passedCount,
  savedFontSize,
  steppedFontSize,
  tabsReducer,
  withLiveRun,
  type SandboxEvent,
  type SandboxLifecycle,
  type TabsEvent,
  type TabsState,
} from './workspace-state';

function sandbox(state: SandboxForBrowser['state'], extra: Partial<SandboxForBrowser> = {}): SandboxForBrowser {
  return {
    id: 'sb1',
    state,
    createdAt: '2026-12-02T10:00:00.000Z',
    readyAt: state === 'ready' ? '2026-12-02T10:00:05.000Z' : null,
    expiresAt: '2026-12-02T10:30:00.000Z',
    maxExpiresAt: '2026-12-02T14:00:00.000Z',
    history: [],
    error: null,
    endReason: null,
    ...extra,
  };
}

const run = (state: SandboxLifecycle, ...events: SandboxEvent[]) => events.reduce(lifecycleReducer, state);

describe('the sandbox lifecycle', () => {
  it('starts from the sandbox the page was rendered with', () => {
    expect(initialLifecycle(null, 5)).toEqual({ sandbox: null, stage: 'requesting', startedAt: 5, error: null });
    expect(initialLifecycle(sandbox('ready'), 5).stage).toBe('connecting');
    expect(initialLifecycle(sandbox('provisioning'), 5).stage).toBe('requesting');
  });

  it('walks requesting → provisioning → connecting → ready on a fresh sandbox', () => {
    const seen: string[] = [];
    let state = initialLifecycle(null, 0);
    const events: SandboxEvent[] = [
      { type: 'start', at: 100 },
      { type: 'provisioning' },
      { type: 'provisioning', sandbox: sandbox('provisioning') },
      { type: 'opened', sandbox: sandbox('ready'), failedMessage: 'failed' },
      { type: 'connected' },
    ];
    for (const event of events) {
      state = lifecycleReducer(state, event);
      seen.push(state.stage);
    }
    expect(seen).toEqual(['requesting', 'provisioning', 'provisioning', 'connecting', 'ready']);
    expect(state).toMatchObject({ startedAt: 100, error: null, sandbox: { state: 'ready' } });
    expect(isUsable(state)).toBe(true);
    expect(offersStart(state)).toBe(false);
  });

  it("a create that ends not ready fails with the runner's reason, or the fallback", () => {
    const reasoned = run(initialLifecycle(null, 0), { type: 'opened', sandbox: sandbox('failed', { error: { code: 'setup_failed', message: 'setup broke' } }), failedMessage: 'Failed' });
    expect(reasoned).toMatchObject({ stage: 'failed', error: 'setup broke' });
    const bare = run(initialLifecycle(null, 0), { type: 'opened', sandbox: sandbox('failed'), failedMessage: 'Failed' });
    expect(bare).toMatchObject({ stage: 'failed', error: 'Failed' });
    expect(offersStart(bare)).toBe(true);
  });

  it('a start clears the previous error and restarts the clock', () => {
    const failed = run(initialLifecycle(sandbox('ready'), 0), { type: 'failed', message: 'ended' });
    expect(isUsable(failed)).toBe(false);
    expect(offersStart(failed)).toBe(true);
    expect(run(failed, { type: 'start', at: 9 })).toMatchObject({ stage: 'requesting', error: null, startedAt: 9 });
  });

  it('an end keeps the last record when one came with it, and stops the sandbox being usable', () => {
    const ready = run(initialLifecycle(sandbox('ready'), 0), { type: 'connected' });
    const ended = run(ready, { type: 'failed', message: 'idle', sandbox: sandbox('deleted', { endReason: 'idle_timeout' }) });
    expect(ended).toMatchObject({ stage: 'failed', error: 'idle', sandbox: { state: 'deleted' } });
    expect(run(ready, { type: 'failed', message: 'gone' }).sandbox?.state).toBe('ready');
    expect(isUsable(run(ready, { type: 'failed', message: 'gone' }))).toBe(false);
  });

  it('pushed deadlines move the sandbox, and are dropped when there is none', () => {
    const ready = initialLifecycle(sandbox('ready'), 0);
    const moved = run(ready, { type: 'deadlines', expiresAt: '2026-12-02T11:00:00.000Z', maxExpiresAt: '2026-12-02T14:00:00.000Z' });
    expect(moved.sandbox?.expiresAt).toBe('2026-12-02T11:00:00.000Z');
    expect(moved.stage).toBe('connecting');
    const none = initialLifecycle(null, 0);
    expect(run(none, { type: 'deadlines', expiresAt: 'x', maxExpiresAt: 'y' })).toBe(none);
  });

  it('an error line leaves the stage alone; a reset removes the sandbox', () => {
    const ready = run(initialLifecycle(sandbox('ready'), 0), { type: 'connected' });
    const errored = run(ready, { type: 'error', message: 'Check failed' });
    expect(errored).toMatchObject({ stage: 'ready', error: 'Check failed' });
    expect(isUsable(errored)).toBe(true);
    expect(run(errored, { type: 'error', message: null }).error).toBeNull();
    const removed = run(ready, { type: 'removed' });
    expect(removed.sandbox).toBeNull();
    expect(isUsable(removed)).toBe(false);
    expect(run(ready, { type: 'updated', sandbox: sandbox('ready', { expiresAt: 'later' }) }).sandbox?.expiresAt).toBe('later');
  });

  it('offers Start neither while requesting nor while the sandbox is being built', () => {
    expect(offersStart(initialLifecycle(null, 0))).toBe(false);
    expect(offersStart(initialLifecycle(sandbox('provisioning'), 0))).toBe(false);
    expect(offersStart(initialLifecycle(sandbox('deleted'), 0))).toBe(true);
  });

  it('formats the time left as m:ss or h:mm:ss, never negative', () => {
    expect(formatTimeLeft(-5000)).toBe('0:00');
    expect(formatTimeLeft(65_999)).toBe('1:05');
    expect(formatTimeLeft(3_600_000 + 2 * 60_000 + 3000)).toBe('1:02:03');
  });
});

describe('live check results', () => {
  it('a recorded run replaces them; a live run merges over them in the reader locale', () => {
    const recorded = liveFromRun([
      { id: 'a', passed: true, message: 'ok', observed: null },
      { id: 'b', passed: false, message: 'no', observed: 'Pending' },
    ]);
    const merged = withLiveRun(recorded, [{ id: 'b', passed: true, message: { en: 'yes', 'zh-CN': '是' } }], 'zh-CN');
    expect(merged).toEqual({ a: { passed: true, message: 'ok', observed: null }, b: { passed: true, message: '是', observed: null } });
    expect(recorded.b!.passed).toBe(false);
    expect(withLiveRun({}, [{ id: 'c', passed: false, message: { en: 'english' }, observed: 'x' }], 'zh-CN').c).toEqual({ passed: false, message: 'english', observed: 'x' });
    expect(withLiveRun({}, [{ id: 'c', passed: false, message: 'plain' }], 'en').c!.message).toBe('plain');
    // What was observed, in the reader's language when the runner says it in theirs.
    const said = { id: 'd', passed: false, message: { en: 'No: phase Pending', 'zh-CN': '不：阶段为 Pending' }, observed: 'phase Pending', observedText: { en: 'phase Pending', 'zh-CN': '阶段为 Pending' } };
    expect(withLiveRun({}, [said], 'zh-CN').d).toEqual({ passed: false, message: '不：阶段为 Pending', observed: '阶段为 Pending' });
    expect(withLiveRun({}, [said], 'en').d!.observed).toBe('phase Pending');
    expect(passedCount([{ id: 'a' }, { id: 'b' }, { id: 'z' }], merged)).toBe(2);
  });

  it('tells the runner’s pushed messages apart and refuses malformed ones', () => {
    expect(isSandboxControl({ type: 'sandbox', sandbox: { state: 'ready', expiresAt: 'x', maxExpiresAt: 'y' } })).toBe(true);
    expect(isSandboxControl({ type: 'sandbox', sandbox: { state: 'ready' } })).toBe(false);
    expect(isSandboxControl(null)).toBe(false);
    expect(isLiveRunControl({ type: 'checks', run: { results: [] } })).toBe(true);
    expect(isLiveRunControl({ type: 'checks', run: {} })).toBe(false);
    expect(isLiveRunControl('checks')).toBe(false);
    expect(hasEnded('ready')).toBe(false);
    expect(hasEnded('provisioning')).toBe(false);
    expect(hasEnded('deleted')).toBe(true);
    expect(hasEnded('failed')).toBe(true);
  });
});

describe('terminal tabs', () => {
  const tabs = (state: TabsState, ...events: TabsEvent[]) => events.reduce(tabsReducer, state);

  it('adds the lowest free number and selects it, up to six', () => {
    const two = tabs(FIRST_TABS, { type: 'add' });
    expect(two).toEqual({ tabs: ['t1', 't2'], active: 't2' });
    const gap = tabs(two, { type: 'add' }, { type: 'close', id: 't2' }, { type: 'add' });
    expect(gap).toEqual({ tabs: ['t1', 't3', 't2'], active: 't2' });
    const full = tabs(FIRST_TABS, ...Array.from({ length: 10 }, () => ({ type: 'add' }) as const));
    expect(full.tabs).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('never closes the last tab; closing the active one selects the first', () => {
    expect(tabs(FIRST_TABS, { type: 'close', id: 't1' })).toBe(FIRST_TABS);
    const three = tabs(FIRST_TABS, { type: 'add' }, { type: 'add' }, { type: 'select', id: 't2' });
    expect(tabs(three, { type: 'close', id: 't2' })).toEqual({ tabs: ['t1', 't3'], active: 't1' });
    expect(tabs(three, { type: 'close', id: 't3' })).toEqual({ tabs: ['t1', 't2'], active: 't2' });
    expect(tabs(three, { type: 'select', id: 't9' })).toBe(three);
  });

  it('restores remembered tabs, ignoring what is not a tab id', () => {
    expect(tabs(FIRST_TABS, { type: 'restore', saved: 't2,t5' })).toEqual({ tabs: ['t2', 't5'], active: 't2' });
    expect(tabs(FIRST_TABS, { type: 'restore', saved: 'x,t0,t100,t3' })).toEqual({ tabs: ['t3'], active: 't3' });
    expect(tabs(FIRST_TABS, { type: 'restore', saved: null })).toBe(FIRST_TABS);
    expect(tabs(FIRST_TABS, { type: 'restore', saved: 'nonsense' })).toBe(FIRST_TABS);
    expect(tabs({ tabs: ['t1', 't2'], active: 't2' }, { type: 'reset' })).toEqual(FIRST_TABS);
  });

  it('moves between tabs with the arrow keys, wrapping', () => {
    const list = ['t1', 't2', 't3'];
    expect(neighbourTab(list, 0, 'ArrowRight')).toBe('t2');
    expect(neighbourTab(list, 2, 'ArrowRight')).toBe('t1');
    expect(neighbourTab(list, 0, 'ArrowLeft')).toBe('t3');
    expect(neighbourTab(list, 0, 'Enter')).toBeUndefined();
  });

  it('keeps the font size between 10 and 24, and trusts only a saved size in that range', () => {
    expect(steppedFontSize(14, 1)).toBe(15);
    expect(steppedFontSize(24, 1)).toBe(24);
    expect(steppedFontSize(10, -1)).toBe(10);
    expect(savedFontSize('18')).toBe(18);
    expect(savedFontSize('9')).toBeUndefined();
    expect(savedFontSize('25')).toBeUndefined();
    expect(savedFontSize(null)).toBeUndefined();
    expect(savedFontSize('big')).toBeUndefined();
  });
});
