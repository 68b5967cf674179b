'use client';
// The sandbox's terminals: one tab per shell (up to six), the tab tools (close, new, font
// size) and one Terminal per tab. Tabs are remembered per sandbox in sessionStorage, so a
// reload reopens the same shells; the font size is remembered in localStorage.
import { useCallback, useEffect, useReducer, useState } from 'react';
import { format } from '@/lib/i18n/format';
import { FIRST_TABS, FONT_SIZE, MAX_TABS, neighbourTab, savedFontSize, steppedFontSize, tabsReducer, type TabsEvent, type TabsState } from '@/lib/learn/workspace-state';
import type { LearnMessages } from '@/messages/learn';
import { Terminal } from '../terminal/Terminal';
import styles from './learn.module.css';

const FONT_KEY = 'kubelab.terminal.fontSize';

export interface TerminalTabsState {
  tabs: TabsState;
  dispatch: (event: TabsEvent) => void;
  fontSize: number;
  changeFont: (delta: number) => void;
}

/** The tabs and font size of the sandbox `sandboxId`'s terminals, restored and remembered. */
export function useTerminalTabs(sandboxId: string | undefined): TerminalTabsState {
  const [tabs, dispatch] = useReducer(tabsReducer, FIRST_TABS);
  const [fontSize, setFontSize] = useState<number>(FONT_SIZE.initial);

  useEffect(() => {
    if (!sandboxId) return;
    dispatch({ type: 'restore', saved: window.sessionStorage.getItem(`kubelab.tabs.${sandboxId}`) });
    const size = savedFontSize(window.localStorage.getItem(FONT_KEY));
    if (size !== undefined) setFontSize(size);
  }, [sandboxId]);
  useEffect(() => {
    if (sandboxId) window.sessionStorage.setItem(`kubelab.tabs.${sandboxId}`, tabs.tabs.join(','));
  }, [sandboxId, tabs.tabs]);

  const changeFont = useCallback(
    (delta: number) => {
      const size = steppedFontSize(fontSize, delta);
      setFontSize(size);
      window.localStorage.setItem(FONT_KEY, String(size));
    },
    [fontSize],
  );
  return { tabs, dispatch, fontSize, changeFont };
}

export function TerminalTabs({
  sandboxId,
  state,
  ticketUrl,
  onControl,
  m,
}: {
  sandboxId: string;
  state: TerminalTabsState;
  /** A fresh one-use shell URL for the terminal named `tab`, each time it (re)connects. */
  ticketUrl: (tab: string) => () => Promise<string>;
  onControl: (message: unknown) => void;
  m: LearnMessages['exercise'];
}) {
  const { tabs, active } = state.tabs;
  const { dispatch, fontSize, changeFont } = state;
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

  function onTabKey(event: React.KeyboardEvent, index: number) {
    const next = neighbourTab(tabs, index, event.key);
    if (!next) return;
    dispatch({ type: 'select', id: next });
    document.getElementById(`term-${next}-tab`)?.focus();
  }

  return (
    <div className={styles.terminalPanel} data-sandbox={sandboxId}>
      <div className={styles.tabs}>
        <div role="tablist" aria-label={m.terminalRegion}>
          {tabs.map((t, i) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`term-${t}-tab`}
              aria-selected={t === active}
              aria-controls={`term-${t}-panel`}
              tabIndex={t === active ? 0 : -1}
              className={styles.tab}
              onClick={() => dispatch({ type: 'select', id: t })}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {format(m.terminalLabel, { n: t.slice(1) })}
            </button>
          ))}
        </div>
        <div className={styles.tabTools}>
          {tabs.length > 1 ? (
            <button type="button" title={format(m.closeTab, { n: active.slice(1) })} onClick={() => dispatch({ type: 'close', id: active })}>
              <span aria-hidden="true">×</span>
              <span className={styles.visuallyHidden}>{format(m.closeTab, { n: active.slice(1) })}</span>
            </button>
          ) : null}
          <button type="button" onClick={() => dispatch({ type: 'add' })} disabled={tabs.length >= MAX_TABS} title={m.newTab}>
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
          key={`${sandboxId}-${t}`}
          id={`term-${t}`}
          active={t === active}
          fontSize={fontSize}
          labels={terminalLabels}
          ticketUrl={ticketUrl(t)}
          onControl={onControl}
        />
      ))}
    </div>
  );
}
