'use client';
// The live panel of the sandbox's Pods and containers, polled while the page is visible.
import { useEffect, useState } from 'react';
import { learnerApi } from './api';
import type { PodForBrowser } from './types';
import styles from './learn.module.css';

export interface PodsLabels {
  title: string;
  empty: string;
  unavailable: string;
  podName: string;
  podPhase: string;
  containerName: string;
  containerState: string;
  restarts: string;
  ready: string;
  yes: string;
  no: string;
}

const POLL_MS = 3000;

export function PodsPanel({ sandboxId, labels }: { sandboxId: string; labels: PodsLabels }) {
  const [pods, setPods] = useState<PodForBrowser[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const next = await learnerApi.pods(sandboxId);
          if (!stopped) {
            setPods(next);
            setFailed(false);
          }
        } catch {
          if (!stopped) setFailed(true);
        }
      }
      if (!stopped) timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [sandboxId]);

  const rows = (pods ?? []).flatMap((pod) =>
    (pod.containers.length ? pod.containers : [null]).map((c, i) => ({ pod, c, first: i === 0, span: Math.max(1, pod.containers.length) })),
  );
  return (
    <section aria-labelledby="pods-title" data-testid="pods-panel">
      <h2 id="pods-title">{labels.title}</h2>
      {failed ? <p>{labels.unavailable}</p> : null}
      {pods && pods.length === 0 ? <p>{labels.empty}</p> : null}
      {rows.length > 0 ? (
        <div className={styles.tableWrap}>
          <table className={`${styles.table} ${styles.podTable}`}>
            <thead>
              <tr>
                <th scope="col">{labels.podName}</th>
                <th scope="col">{labels.podPhase}</th>
                <th scope="col">{labels.containerName}</th>
                <th scope="col">{labels.containerState}</th>
                <th scope="col">{labels.ready}</th>
                <th scope="col">{labels.restarts}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ pod, c, first, span }) => (
                <tr key={`${pod.namespace}/${pod.name}/${c?.name ?? ''}`} data-pod={pod.name}>
                  {first ? (
                    <>
                      <th scope="row" rowSpan={span}>
                        {pod.namespace === 'default' ? pod.name : `${pod.namespace}/${pod.name}`}
                      </th>
                      <td rowSpan={span}>
                        {pod.phase}
                        {pod.reason ? ` (${pod.reason})` : ''}
                        {pod.message ? <span className={styles.podMessage}>{pod.message}</span> : null}
                      </td>
                    </>
                  ) : null}
                  <td>{c?.name ?? '—'}</td>
                  <td>{c ? `${c.state}${c.reason ? ` (${c.reason})` : ''}` : '—'}</td>
                  <td>{c ? (c.ready ? labels.yes : labels.no) : '—'}</td>
                  <td>{c?.restarts ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
