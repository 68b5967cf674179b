// A runner error made by one copy of lib/runner/client (Next's server build can bundle two) is
// still a RunnerClientError to the other copy's routes: its 410 must not turn into a 500.
import { describe, expect, it, vi } from 'vitest';
import { RunnerClientError } from './client';
import { runnerFailure } from './responses';

describe('RunnerClientError across module copies', () => {
  it('is recognised, and answered with its status, whichever copy made it', async () => {
    vi.resetModules();
    const other = await import('./client');
    expect(other.RunnerClientError).not.toBe(RunnerClientError);
    const lost = new other.RunnerClientError('sandbox_lost', 410, 'the runner holding this sandbox stopped answering');
    expect(lost).toBeInstanceOf(RunnerClientError);
    expect(lost).toBeInstanceOf(Error);
    const answer = runnerFailure(lost);
    expect(answer.status).toBe(410);
    expect(await answer.json()).toEqual({ error: { code: 'sandbox_lost', message: 'the runner holding this sandbox stopped answering' } });
    expect(new Error('x')).not.toBeInstanceOf(RunnerClientError);
    expect(() => runnerFailure(new TypeError('boom'))).toThrow('boom');
  });
});
