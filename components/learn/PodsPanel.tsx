'use client';
// The live panel of the sandbox's Pods and containers, polled while the page is visible.
import { useEffect, useState, type FormEvent } from 'react';
import { format } from '@/lib/i18n/format';
import { ApiError, learnerApi } from './api';
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
  previewTitle: string;
  previewHelp: string;
  previewPod: string;
  previewPort: string;
  previewOpen: string;
  previewFailed: string;
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
      {pods && pods.length > 0 ? <PreviewForm sandboxId={sandboxId} pods={pods} labels={labels} /> : null}
    </section>
  );
}

const podKey = (pod: PodForBrowser) => `${pod.namespace}/${pod.name}`;

/**
 * Opens what a Pod serves on a port in a new tab, through the runner's preview origin. The tab
 * opens at once (inside the click, so no popup blocker stops it) and goes to the one-use URL
 * when it arrives; it never gets a handle on this page.
 */
function PreviewForm({ sandboxId, pods, labels }: { sandboxId: string; pods: PodForBrowser[]; labels: PodsLabels }) {
  const [selected, setSelected] = useState('');
  const [port, setPort] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pod = pods.find((p) => podKey(p) === selected) ?? pods[0]!;
  const shownPort = port || String(pod.ports[0] ?? '');

  const open = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const tab = window.open('about:blank', '_blank');
    if (tab) tab.opener = null;
    try {
      const url = await learnerApi.preview(sandboxId, { namespace: pod.namespace, pod: pod.name, port: Number(shownPort) });
      if (tab) tab.location.href = url;
      else window.location.assign(url);
    } catch (e) {
      tab?.close();
      setError(format(labels.previewFailed, { message: e instanceof ApiError || e instanceof Error ? e.message : String(e) }));
    }
  };

  return (
    <form className={styles.previewForm} onSubmit={(event) => void open(event)} aria-labelledby="preview-title" data-testid="preview-form">
      <h3 id="preview-title">{labels.previewTitle}</h3>
      <p className={styles.previewHelp}>{labels.previewHelp}</p>
      <label>
        {labels.previewPod}{' '}
        <select value={podKey(pod)} onChange={(event) => { setSelected(event.target.value); setPort(''); }}>
          {pods.map((p) => (
            <option key={podKey(p)} value={podKey(p)}>
              {p.namespace === 'default' ? p.name : podKey(p)}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        {labels.previewPort}{' '}
        <input type="number" min={1} max={65535} required inputMode="numeric" value={shownPort} onChange={(event) => setPort(event.target.value)} className={styles.previewPort} />
      </label>{' '}
      <button type="submit" className={`${styles.button} ${styles.buttonSecondary}`}>
        {labels.previewOpen}
      </button>
      {error ? (
        <p role="alert" className={styles.alert}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
