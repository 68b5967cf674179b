// One-use, short-lived tickets that admit a browser's WebSocket to one sandbox's shell. The
// browser cannot send the service token, so the web app (which has it) asks for a ticket and
// hands the URL to the browser. Only a hash of each ticket is kept.

import { createHash, randomBytes } from 'node:crypto';

export interface TicketGrant {
  sandboxId: string;
  terminal: string;
}

export type Redemption = { ok: true; grant: TicketGrant } | { ok: false; reason: 'unknown' | 'expired' };

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

export class ShellTickets {
  private readonly tickets = new Map<string, TicketGrant & { expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(grant: TicketGrant): { ticket: string; expiresAt: Date } {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(hash(ticket), { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** Consumes the ticket: a second redemption of the same ticket is `unknown`. */
  redeem(ticket: string): Redemption {
    const key = hash(ticket);
    const entry = this.tickets.get(key);
    if (!entry) return { ok: false, reason: 'unknown' };
    this.tickets.delete(key);
    if (entry.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: { sandboxId: entry.sandboxId, terminal: entry.terminal } };
  }

  /** Drops every ticket of a sandbox (it was deleted). */
  revoke(sandboxId: string): void {
    for (const [key, entry] of this.tickets) if (entry.sandboxId === sandboxId) this.tickets.delete(key);
  }

  get size(): number {
    return this.tickets.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
  }
}
