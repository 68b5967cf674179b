'use client';
// The sandbox's way to ready, in real stages (our request, the runner's provisioning, the
// terminal connecting) with the time elapsed since the request started.
import { useEffect, useState } from 'react';
import type { Stage } from '@/lib/learn/workspace-state';
import styles from './learn.module.css';

const ORDER: Stage[] = ['requesting', 'provisioning', 'connecting', 'ready'];

export function ProvisioningIndicator({
  stage,
  startedAt,
  labels,
}: {
  stage: Stage;
  startedAt: number;
  labels: { title: string; stages: Record<Stage, string>; elapsed: string };
}) {
  const [now, setNow] = useState(() => Date.now());
  const running = stage !== 'ready' && stage !== 'failed';
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [running]);
  const seconds = Math.max(0, Math.round((now - startedAt) / 1000));
  const current = ORDER.indexOf(stage);
  return (
    <div data-testid="provisioning" data-stage={stage}>
      <ol className={styles.stages} aria-label={labels.title}>
        {ORDER.map((s, i) => {
          const state = stage === 'failed' && i === Math.max(0, current) ? 'failed' : i < current || stage === 'ready' ? 'done' : i === current ? 'active' : 'pending';
          return (
            <li key={s} className={styles.stage} data-state={state} aria-current={state === 'active' ? 'step' : undefined}>
              {state === 'done' ? '✓ ' : state === 'active' ? '… ' : ''}
              {labels.stages[s]}
            </li>
          );
        })}
        {stage === 'failed' ? <li className={styles.stage} data-state="failed">{labels.stages.failed}</li> : null}
      </ol>
      {running ? (
        <p role="status" aria-live="polite">
          {labels.stages[stage]} · {labels.elapsed.replace('{seconds}', String(seconds))}
        </p>
      ) : null}
    </div>
  );
}
