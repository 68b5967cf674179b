'use client';
// Ends one of the learner's sandboxes from the progress page; the page then lists what is left.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { learnerApi } from './api';
import styles from './learn.module.css';

export function EndSandboxButton({ sandboxId, label, failed }: { sandboxId: string; label: string; failed: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(false);
  async function end() {
    setBusy(true);
    setError(false);
    try {
      await learnerApi.deleteSandbox(sandboxId);
      router.refresh();
    } catch {
      setError(true);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className={`${styles.button} ${styles.buttonDanger}`} onClick={() => void end()} disabled={busy}>
        {label}
      </button>
      {error ? <span role="alert">{failed}</span> : null}
    </>
  );
}
