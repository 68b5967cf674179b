// POST /v1/proofs over real HTTP on real embedded sandboxes: the exercises:verify steps stream
// as JSON lines while they happen (setup, each check before, the solution, each check after,
// done); a solution step that runs too long fails the proof; a sandbox that dies mid-proof
// fails it with the reason; a client that hangs up mid-proof leaves no sandbox behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture } from '../server/testing/runner-fixture.js';
import type { ProofEvent } from './verify-exercise.js';

let fixture: RunnerFixture;

beforeAll(async () => {
  fixture = await RunnerFixture.start();
});
afterAll(async () => {
  await fixture?.destroy();
});

async function prove(body: unknown, onEvent?: (event: ProofEvent, controller: AbortController) => void): Promise<ProofEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${fixture.url}/v1/proofs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fixture.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
  const events: ProofEvent[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const event = JSON.parse(buffered.slice(0, newline)) as ProofEvent;
        buffered = buffered.slice(newline + 1);
        events.push(event);
        onEvent?.(event, controller);
        newline = buffered.indexOf('\n');
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return events;
}

describe('POST /v1/proofs', () => {
  it('streams every step of a sound proof: checks fail before and pass after the solution', { timeout: 180_000 }, async () => {
    const events = await prove({ owner: 'author-1:proof', exercise: DRAFT_EXERCISE });
    expect(events.map((e) => e.type)).toEqual(['setup', 'before', 'solution', 'after', 'after', 'after', 'done']);
    const before = events.find((e) => e.type === 'before');
    expect(before?.type === 'before' && before.checks.map((c) => [c.id, c.passed, c.ok])).toEqual([
      ['web-exists', false, true],
      ['web-two', false, true],
      ['greeting-kept', true, true],
    ]);
    const after = events.filter((e) => e.type === 'after').map((e) => (e.type === 'after' ? e.check : null));
    expect(after.every((c) => c?.passed)).toBe(true);
    expect(after.find((c) => c?.id === 'web-two')?.observed).toMatch(/2 containers/);
    expect(events.at(-1)).toMatchObject({ type: 'done', passed: true, problems: [] });
    expect(await fixture.leftovers()).toEqual([]);
  });

  it('fails a proof whose solution runs past the step timeout, and a client that leaves takes its sandbox along', { timeout: 180_000 }, async () => {
    const slow = { ...DRAFT_EXERCISE, solution: { ...DRAFT_EXERCISE.solution, commands: ['sleep 60'] } };
    const events = await prove({ owner: 'author-1:proof', exercise: slow, stepTimeoutSeconds: 2 });
    const solution = events.find((e) => e.type === 'solution');
    expect(solution).toMatchObject({ type: 'solution', ok: false, exitCode: null });
    expect(solution?.type === 'solution' && solution.output).toMatch(/did not finish within 2000 ms/);
    expect(events.at(-1)).toMatchObject({ type: 'done', passed: false });

    // The sandbox dies while the solution runs: the proof fails and says so.
    let killed: Promise<unknown> | undefined;
    const died = await prove({ owner: 'author-1:proof', exercise: slow, stepTimeoutSeconds: 60 }, (event) => {
      if (event.type === 'setup' && event.sandbox) killed = fixture.api('DELETE', `/v1/sandboxes/${event.sandbox}`);
    });
    await killed;
    expect(died.find((e) => e.type === 'solution')).toMatchObject({ ok: false });
    expect(died.at(-1)).toMatchObject({ type: 'done', passed: false });
    const outcome = died.at(-1);
    expect(outcome?.type === 'done' ? outcome.problems.join('\n') : '').toMatch(/solution command 1 (failed|exited)/);

    // Hang up as soon as the sandbox is set up: the proof is aborted and its sandbox deleted.
    const partial = await prove({ owner: 'author-1:proof', exercise: slow, stepTimeoutSeconds: 60 }, (event, controller) => {
      if (event.type === 'before') controller.abort();
    });
    expect(partial.map((e) => e.type)).toEqual(['setup', 'before']);
    await expect.poll(() => fixture.leftovers(), { timeout: 60_000, interval: 500 }).toEqual([]);
  });
});
