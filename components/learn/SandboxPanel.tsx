'use client';
// The sandbox's own section: how far provisioning got, the one error line, and the toolbar
// (time left, Extend, Reset while it is usable; Start when there is none to use).
import { useEffect, useState } from 'react';
import { format } from '@/lib/i18n/format';
import { formatTimeLeft, isUsable, offersStart, type SandboxLifecycle } from '@/lib/learn/workspace-state';
import type { LearnMessages } from '@/messages/learn';
import { ProvisioningIndicator } from './ProvisioningIndicator';
import styles from './learn.module.css';

export function SandboxPanel({
  lifecycle,
  onStart,
  onExtend,
  onReset,
  m,
}: {
  lifecycle: SandboxLifecycle;
  onStart: () => void;
  onExtend: () => void;
  onReset: () => void;
  m: LearnMessages['exercise'];
}) {
  const { sandbox, stage, startedAt, error } = lifecycle;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const expiresIn = sandbox ? Date.parse(sandbox.expiresAt) - now : 0;

  return (
    <section aria-labelledby="sandbox-title">
      <h2 id="sandbox-title">{m.sandboxTitle}</h2>
      <ProvisioningIndicator stage={stage} startedAt={startedAt} labels={{ title: m.provisioningLabel, stages: m.stages, elapsed: m.elapsed }} />
      {error ? (
        <p className={styles.alert} role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.toolbar}>
        {isUsable(lifecycle) ? (
          <>
            <span data-testid="time-left" data-expires-at={sandbox?.expiresAt}>{format(m.timeLeft, { time: formatTimeLeft(expiresIn) })}</span>
            <button type="button" className={`${styles.button} ${styles.buttonSecondary}`} onClick={onExtend}>
              {m.extend}
            </button>
            <button type="button" className={`${styles.button} ${styles.buttonDanger}`} onClick={onReset}>
              {m.resetSandbox}
            </button>
          </>
        ) : offersStart(lifecycle) ? (
          <button type="button" className={styles.button} onClick={onStart}>
            {m.startSandbox}
          </button>
        ) : null}
      </div>
    </section>
  );
}
