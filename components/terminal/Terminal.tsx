'use client';
// One terminal tab: xterm.js (loaded lazily, on first use) wired to the runner's shell
// WebSocket. Binary frames carry terminal bytes both ways; text frames carry JSON control
// messages (resize out; live check results in). It fits its pane and follows resizes, copies
// and pastes with Ctrl+Shift+C / Ctrl+Shift+V, and reconnects by itself (with a fresh one-use
// ticket each time), saying so. The runner keeps the shell for a while, so a reconnect (or a
// reload) finds the same shell and its last screen; a terminal opened in another tab takes
// the shell over and this one waits to be asked back.
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal as XTerm } from '@xterm/xterm';
import styles from '../learn/learn.module.css';

export interface TerminalLabels {
  region: string;
  connected: string;
  connecting: string;
  /** "{seconds}" is replaced by the countdown. */
  reconnecting: string;
  reconnected: string;
  disconnected: string;
  /** The same terminal was opened in another tab, which has the shell now. */
  takenOver: string;
  reconnectNow: string;
  help: string;
}

export interface TerminalProps {
  /** Asks the web app for a fresh one-use WebSocket URL. */
  ticketUrl: () => Promise<string>;
  active: boolean;
  fontSize: number;
  labels: TerminalLabels;
  /** Text-frame control messages from the runner (e.g. live check runs). */
  onControl?: (message: unknown) => void;
  id: string;
}

type Connection =
  | { kind: 'connecting' }
  | { kind: 'connected'; again: boolean }
  | { kind: 'reconnecting'; seconds: number }
  | { kind: 'closed'; takenOver: boolean };

/** The runner's close codes: the sandbox was deleted; the terminal was opened elsewhere. */
const SANDBOX_DELETED = 4404;
const TAKEN_OVER = 4409;

const MAX_BACKOFF_S = 10;

export function Terminal({ ticketUrl, active, fontSize, labels, onControl, id }: TerminalProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const socketRef = useRef<WebSocket | null>(null);
  const reconnectRef = useRef<() => void>(() => undefined);
  const propsRef = useRef({ ticketUrl, onControl });
  propsRef.current = { ticketUrl, onControl };
  const [connection, setConnection] = useState<Connection>({ kind: 'connecting' });

  useEffect(() => {
    let disposed = false;
    let attempt = 0;
    let everConnected = false;
    let retryTimer: number | undefined;
    let countdown: number | undefined;
    const encoder = new TextEncoder();
    const cleanups: (() => void)[] = [];

    const sendResize = () => {
      const term = termRef.current;
      const ws = socketRef.current;
      if (term && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
    };

    const connect = async () => {
      window.clearTimeout(retryTimer);
      window.clearInterval(countdown);
      if (disposed) return;
      setConnection({ kind: 'connecting' });
      let url: string;
      try {
        url = await propsRef.current.ticketUrl();
      } catch {
        scheduleReconnect();
        return;
      }
      if (disposed) return;
      const term = termRef.current!;
      const target = new URL(url);
      target.searchParams.set('cols', String(term.cols));
      target.searchParams.set('rows', String(term.rows));
      const ws = new WebSocket(target);
      ws.binaryType = 'arraybuffer';
      socketRef.current = ws;
      ws.onopen = () => {
        attempt = 0;
        // The runner replays the shell's last screen first: start from a clean one.
        termRef.current?.reset();
        setConnection({ kind: 'connected', again: everConnected });
        everConnected = true;
        sendResize();
      };
      ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
        if (typeof event.data === 'string') {
          try {
            propsRef.current.onControl?.(JSON.parse(event.data));
          } catch {
            // A malformed control frame is ignored; terminal bytes never come as text.
          }
          return;
        }
        termRef.current?.write(new Uint8Array(event.data));
      };
      ws.onclose = (event) => {
        if (socketRef.current !== ws || disposed) return;
        socketRef.current = null;
        // Reconnecting by itself cannot help when the sandbox is gone, and would take the shell
        // back from the tab that has it now.
        if (event.code === SANDBOX_DELETED || event.code === TAKEN_OVER) setConnection({ kind: 'closed', takenOver: event.code === TAKEN_OVER });
        else scheduleReconnect();
      };
    };

    const scheduleReconnect = () => {
      if (disposed) return;
      attempt += 1;
      let seconds = Math.min(MAX_BACKOFF_S, 2 ** (attempt - 1));
      setConnection({ kind: 'reconnecting', seconds });
      countdown = window.setInterval(() => {
        seconds = Math.max(0, seconds - 1);
        setConnection({ kind: 'reconnecting', seconds });
      }, 1000);
      retryTimer = window.setTimeout(() => void connect(), seconds * 1000);
    };
    reconnectRef.current = () => {
      attempt = 0;
      socketRef.current?.close();
      socketRef.current = null;
      void connect();
    };

    void (async () => {
      const [{ Terminal: XTermCtor }, { FitAddon: FitCtor }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
      if (disposed || !hostRef.current) return;
      const term = new XTermCtor({
        fontSize,
        cursorBlink: true,
        scrollback: 5000,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
        theme: { background: '#0d1117', foreground: '#e6edf3' },
        screenReaderMode: false,
      });
      const fit = new FitCtor();
      term.loadAddon(fit);
      term.open(hostRef.current);
      termRef.current = term;
      fitRef.current = fit;
      try {
        fit.fit();
      } catch {
        // Not laid out yet (hidden tab): the resize observer fits it when it shows.
      }
      // Keyboard users leave the terminal with Escape then Tab (a bare Tab belongs to the shell).
      let escapedAt = 0;
      term.attachCustomKeyEventHandler((event) => {
        if (event.type === 'keydown' && event.key === 'Escape') escapedAt = Date.now();
        if (event.key === 'Tab' && Date.now() - escapedAt < 1500) return false;
        if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
        if (event.code === 'KeyC' && term.hasSelection()) {
          void navigator.clipboard?.writeText(term.getSelection());
          return false;
        }
        if (event.code === 'KeyV') {
          void navigator.clipboard?.readText().then((text) => term.paste(text));
          return false;
        }
        return true;
      });
      const data = term.onData((d) => {
        const ws = socketRef.current;
        if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(d));
      });
      const binary = term.onBinary((d) => {
        const ws = socketRef.current;
        if (ws?.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(d, (c) => c.charCodeAt(0)));
      });
      const resized = term.onResize(sendResize);
      const observer = new ResizeObserver(() => {
        if (!hostRef.current || hostRef.current.offsetParent === null) return;
        try {
          fit.fit();
        } catch {
          // Zero-sized while collapsing: the next observation fits it.
        }
      });
      observer.observe(hostRef.current);
      cleanups.push(() => observer.disconnect(), () => data.dispose(), () => binary.dispose(), () => resized.dispose());
      void connect();
    })();

    return () => {
      disposed = true;
      window.clearTimeout(retryTimer);
      window.clearInterval(countdown);
      for (const cleanup of cleanups) cleanup();
      socketRef.current?.close(1000);
      socketRef.current = null;
      termRef.current?.dispose();
      termRef.current = null;
    };
    // The terminal lives as long as the tab; font size and activity are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.options.fontSize = fontSize;
    try {
      fitRef.current?.fit();
    } catch {
      // Hidden tab: fitted when shown.
    }
  }, [fontSize]);

  useEffect(() => {
    if (!active) return;
    const frame = requestAnimationFrame(() => {
      try {
        fitRef.current?.fit();
      } catch {
        // Not laid out yet.
      }
      termRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [active]);

  const status =
    connection.kind === 'connected'
      ? connection.again
        ? labels.reconnected
        : labels.connected
      : connection.kind === 'connecting'
        ? labels.connecting
        : connection.kind === 'reconnecting'
          ? labels.reconnecting.replace('{seconds}', String(connection.seconds))
          : connection.takenOver
            ? labels.takenOver
            : labels.disconnected;

  return (
    <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab`} hidden={!active}>
      <div className={styles.connection} data-testid="terminal-status" data-state={connection.kind}>
        <span role="status" aria-live="polite">
          {status}
        </span>
        {connection.kind === 'reconnecting' || connection.kind === 'closed' ? (
          <button type="button" onClick={() => reconnectRef.current()}>
            {labels.reconnectNow}
          </button>
        ) : null}
      </div>
      <div ref={hostRef} className={styles.terminalHost} role="region" aria-label={labels.region} data-testid="terminal" />
      <p className={styles.terminalHelp}>{labels.help}</p>
    </div>
  );
}
