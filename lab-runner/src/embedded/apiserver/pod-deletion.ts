// Graceful Pod deletion. DELETE sets deletionTimestamp and deletionGracePeriodSeconds; the
// kubelet stops the containers and calls removePod. A Pod that never ran (no kubelet attached,
// not bound, or already Succeeded/Failed) is removed at once, as the real server does for Pods
// that no kubelet owns. Grace period 0 (`--force --grace-period=0`) removes it at once too; the
// kubelet sees DELETED and cleans up.

import type { KubeObject, Pod } from '../k8s-types.js';
import type { DeleteOptions, VirtualCluster } from './cluster.js';
import { secondsFromNow } from './timestamps.js';

export function deletePod(cluster: VirtualCluster, prev: Pod, opts: DeleteOptions): { object: KubeObject; gone: boolean } {
  let grace = opts.gracePeriodSeconds ?? prev.spec.terminationGracePeriodSeconds ?? 30;
  if (grace < 0) grace = 1;
  const phase = prev.status?.phase;
  if (!cluster.nodeRuntime || !prev.spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
  const finalizers = (prev.metadata.finalizers ?? []).length > 0;
  if (prev.metadata.deletionTimestamp) {
    // A second delete may only shorten the grace period.
    const remaining = Math.max(0, (Date.parse(prev.metadata.deletionTimestamp) - Date.now()) / 1000);
    if (grace >= remaining && grace !== 0) return { object: prev, gone: false };
  }
  if (grace === 0 && !finalizers) {
    if (opts.dryRun) return { object: prev, gone: true };
    return { object: cluster.store.delete('pods', prev), gone: true };
  }
  const next = structuredClone(prev);
  next.metadata.deletionTimestamp = secondsFromNow(grace);
  next.metadata.deletionGracePeriodSeconds = grace;
  if (opts.dryRun) return { object: next, gone: false };
  return { object: cluster.store.update('pods', next), gone: false };
}
