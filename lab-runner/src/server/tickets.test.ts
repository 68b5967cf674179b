import { describe, expect, it } from 'vitest';
import { Tickets, type ShellGrant } from './tickets.js';

describe('Tickets', () => {
  it('admits a ticket once, for its sandbox and terminal', () => {
    const tickets = new Tickets<ShellGrant>(60_000);
    const { ticket } = tickets.issue({ sandboxId: 'sb-1', terminal: 'main' });
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tickets.redeem(ticket)).toEqual({ ok: true, grant: { sandboxId: 'sb-1', terminal: 'main' } });
    expect(tickets.redeem(ticket)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('expires tickets after the TTL and sweeps them', () => {
    let now = 1000;
    const tickets = new Tickets<ShellGrant>(60_000, () => now);
    const { ticket, expiresAt } = tickets.issue({ sandboxId: 'sb-1', terminal: 'main' });
    expect(expiresAt.getTime()).toBe(61_000);
    now = 61_000;
    expect(tickets.redeem(ticket)).toEqual({ ok: false, reason: 'expired' });
    tickets.issue({ sandboxId: 'sb-2', terminal: 'main' });
    now = 200_000;
    tickets.issue({ sandboxId: 'sb-3', terminal: 'main' });
    expect(tickets.size).toBe(1);
  });

  it('revokes every ticket of a deleted sandbox', () => {
    const tickets = new Tickets<ShellGrant>(60_000);
    const a = tickets.issue({ sandboxId: 'sb-1', terminal: 'main' }).ticket;
    const b = tickets.issue({ sandboxId: 'sb-2', terminal: 'main' }).ticket;
    tickets.revoke('sb-1');
    expect(tickets.redeem(a).ok).toBe(false);
    expect(tickets.redeem(b).ok).toBe(true);
  });
});
