// The shells behind a sandbox's terminals, kept by terminal name so a browser that comes back
// (a reload, a language switch, a dropped connection) re-attaches to the same shell process:
// working directory, variables and a running `kubectl get -w` or editor are still there.
// A shell nobody is attached to keeps running for a grace period, its output going to the
// terminal's scrollback (replayed on re-attach); after that it is closed.

import type { TerminalSession } from '../providers/provider.js';
import type { Scrollback } from './scrollback.js';

interface Entry {
  session: TerminalSession;
  /** Set while no browser is attached. */
  graceTimer: NodeJS.Timeout | undefined;
  /** Called when another connection takes the terminal over. */
  detachCurrent: (() => void) | undefined;
}

export class TerminalSessions {
  private readonly byKey = new Map<string, Entry>();

  constructor(private readonly graceMs: number) {}

  /**
   * The live shell of this terminal, for a connection that attaches to it: a detached shell
   * stops its grace clock; one attached elsewhere (another tab with the same terminal) has its
   * connection told to go first. Undefined when the terminal has no live shell.
   */
  attach(sandboxId: string, terminal: string, detach: () => void): TerminalSession | undefined {
    const entry = this.byKey.get(key(sandboxId, terminal));
    if (!entry) return undefined;
    clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
    const previous = entry.detachCurrent;
    entry.detachCurrent = detach;
    previous?.();
    return entry.session;
  }

  /** Keeps a new shell for this terminal; its output always reaches the scrollback. */
  add(sandboxId: string, terminal: string, session: TerminalSession, scrollback: Scrollback, detach: () => void): void {
    const k = key(sandboxId, terminal);
    const entry: Entry = { session, graceTimer: undefined, detachCurrent: detach };
    this.byKey.get(k)?.session.close();
    this.byKey.set(k, entry);
    session.output.on('data', (chunk: Buffer) => scrollback.append(chunk));
    void session.ended.then(() => {
      clearTimeout(entry.graceTimer);
      if (this.byKey.get(k) === entry) this.byKey.delete(k);
    });
  }

  /** The connection `detach` belongs to has gone: the shell waits for a re-attach, then closes. */
  release(sandboxId: string, terminal: string, detach: () => void): void {
    const entry = this.byKey.get(key(sandboxId, terminal));
    if (!entry || entry.detachCurrent !== detach) return;
    entry.detachCurrent = undefined;
    // Nobody reads it now: let its output flow into the scrollback instead of holding it back.
    entry.session.output.resume();
    entry.graceTimer = setTimeout(() => entry.session.close(), this.graceMs);
    entry.graceTimer.unref();
  }

  /** Closes every shell of the sandbox (it was deleted). */
  closeSandbox(sandboxId: string): void {
    for (const [k, entry] of this.byKey) {
      if (!k.startsWith(`${sandboxId}\0`)) continue;
      clearTimeout(entry.graceTimer);
      entry.session.close();
      this.byKey.delete(k);
    }
  }

  closeAll(): void {
    for (const entry of this.byKey.values()) {
      clearTimeout(entry.graceTimer);
      entry.session.close();
    }
    this.byKey.clear();
  }

  /** Shells running now, attached or waiting for their browser. */
  get size(): number {
    return this.byKey.size;
  }
}

const key = (sandboxId: string, terminal: string) => `${sandboxId}\0${terminal}`;
