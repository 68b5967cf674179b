// "Prove it" as it happens: the setup, each check before the solution (those that must fail,
// failing), each solution step with its output, each check after it, and the outcome.
import type { ProofCheck, ProofEvent } from '@/lib/authoring/proof-events';
import type { AuthorMessages } from '@/messages/author';
import { fill } from './api';
import styles from './author.module.css';
import learn from '../learn/learn.module.css';

export type { ProofEvent };

function CheckLine({ check, m, phase }: { check: ProofCheck; m: AuthorMessages['exercise']; phase: 'before' | 'after' }) {
  return (
    <li data-ok={String(check.ok)} data-check={check.id} data-phase={phase} data-passed={String(check.passed)}>
      <strong>{check.id}</strong>: {check.passed ? m.provePasses : m.proveFails}
      {phase === 'before' && check.mustFailBeforeSolution ? ` (${m.proveMustFail})` : ''} — {check.ok ? m.proveOk : m.proveWrong}
      <pre>{fill(m.proveObserved, { observed: check.observed })}</pre>
    </li>
  );
}

export function ProofReport({ events, running, m }: { events: ProofEvent[]; running: boolean; m: AuthorMessages['exercise'] }) {
  const setup = events.find((e) => e.type === 'setup');
  const before = events.find((e) => e.type === 'before');
  const solution = events.filter((e) => e.type === 'solution');
  const after = events.filter((e) => e.type === 'after');
  const done = events.find((e) => e.type === 'done');
  return (
    <div data-testid="proof" aria-busy={running}>
      {setup?.type === 'setup' ? (
        <>
          <h3>{m.proveSetup}</h3>
          <ul className={styles.proof}>
            <li data-ok={String(setup.ok)}>
              {setup.ok ? '✓' : '✗'} {setup.seconds.toFixed(1)} s {setup.error ? <pre>{setup.error}</pre> : null}
            </li>
          </ul>
        </>
      ) : null}
      {before?.type === 'before' ? (
        <>
          <h3>{m.proveBefore}</h3>
          <ul className={styles.proof} data-testid="proof-before">
            {before.checks.map((c) => (
              <CheckLine key={c.id} check={c} m={m} phase="before" />
            ))}
          </ul>
        </>
      ) : null}
      {solution.length ? (
        <>
          <h3>{m.proveSolution}</h3>
          <ul className={styles.proof}>
            {solution.map((s, i) =>
              s.type === 'solution' ? (
                <li key={i} data-ok={String(s.ok)}>
                  {s.ok ? '✓' : '✗'} {s.step} {s.exitCode !== null ? `(exit ${s.exitCode})` : ''}
                  {s.output ? <pre>{s.output}</pre> : null}
                </li>
              ) : null,
            )}
          </ul>
        </>
      ) : null}
      {after.length ? (
        <>
          <h3>{m.proveAfter}</h3>
          <ul className={styles.proof} data-testid="proof-after">
            {after.map((a) => (a.type === 'after' ? <CheckLine key={a.check.id} check={a.check} m={m} phase="after" /> : null))}
          </ul>
        </>
      ) : null}
      {done?.type === 'done' ? (
        done.passed ? (
          <p className={learn.success} data-testid="proof-outcome" data-passed="true">
            {m.provePassed}
          </p>
        ) : (
          <div className={learn.alert} data-testid="proof-outcome" data-passed="false" role="alert">
            <p>{m.proveFailed}</p>
            <ul>
              {done.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </div>
        )
      ) : null}
    </div>
  );
}
