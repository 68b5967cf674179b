// One-use, short-lived tickets that admit a browser to one sandbox's shell or preview. The
// browser cannot send the service token, so the web app (which has it) asks for a ticket and
// hands the URL to the browser. Only a hash of each ticket is kept.

import { createHash, randomBytes } from 'node:crypto';

/** What a shell ticket admits to. */
export interface ShellGrant {
  sandboxId: string;
  terminal: string;
}

export type Redemption<G> = { ok: true; grant: G } | { ok: false; reason: 'unknown' | 'expired' };

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

export class Tickets<G extends { sandboxId: string }> {
  private readonly tickets = new Map<string, { grant: G; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(grant: G): { ticket: string; expiresAt: Date } {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(hash(ticket), { grant: { ...grant }, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** Consumes the ticket: a second redemption of the same ticket is `unknown`. */
  redeem(ticket: string): Redemption<G> {
    const key = hash(ticket);
    const entry = this.tickets.get(key);
    if (!entry) return { ok: false, reason: 'unknown' };
    this.tickets.delete(key);
    if (entry.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: entry.grant };
  }

  /** Drops every ticket of a sandbox (it was deleted). */
  revoke(sandboxId: string): void {
    for (const [key, entry] of this.tickets) if (entry.grant.sandboxId === sandboxId) this.tickets.delete(key);
  }

  get size(): number {
    return this.tickets.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
  }
}
