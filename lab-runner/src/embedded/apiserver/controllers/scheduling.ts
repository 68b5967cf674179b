// The one-node scheduler as a controller: a new Pod is bound to the node when it fits
// (scheduler.ts judges), or left Pending and Unschedulable with kube-scheduler's reason and
// event; the Unschedulable ones are tried again, oldest first, when a Pod is deleted or finishes.

import type { Pod } from '../../k8s-types.js';
import type { VirtualCluster } from '../cluster.js';
import { recordPodEvent } from '../events.js';
import { allocatableMemory, nodeLabels } from '../node.js';
import { fitPod, type Fit } from '../scheduler.js';
import { now } from '../timestamps.js';

/**
 * Binds an unbound Pod to the node when it fits (spec.nodeName and PodScheduled=True), or
 * marks it Unschedulable with kube-scheduler's reason. A Pod created with a nodeName skips
 * the scheduler, as it does on a real cluster. Returns undefined when the scheduler is not involved.
 */
export function schedule(cluster: VirtualCluster, pod: Pod, ts: string): Fit | undefined {
  if (pod.spec.nodeName) return undefined;
  const { nodeName, capacity } = cluster;
  const bound = (cluster.store.list('pods') as Pod[]).filter(
    (p) => p.metadata.uid !== pod.metadata.uid && p.spec.nodeName === nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const fit = fitPod(pod, { name: nodeName, labels: nodeLabels(nodeName), allocatable: { cpu: capacity.cpus, memoryBytes: allocatableMemory(capacity.memoryBytes), pods: capacity.pods } }, bound);
  const status = (pod.status ??= { phase: 'Pending' });
  const others = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  if (fit.fits) {
    pod.spec.nodeName = nodeName;
    status.conditions = [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts }, ...others];
  } else {
    const previous = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    status.conditions = [
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: previous?.lastTransitionTime ?? ts, reason: 'Unschedulable', message: fit.message },
      ...others,
    ];
  }
  return fit;
}

export function recordScheduling(cluster: VirtualCluster, pod: Pod, fit: Fit): void {
  if (fit.fits) recordPodEvent(cluster, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${cluster.nodeName}`, undefined, 'default-scheduler');
  else recordPodEvent(cluster, pod, 'Warning', 'FailedScheduling', fit.message, undefined, 'default-scheduler');
}

/**
 * Tries the Unschedulable Pods again, oldest first, when something freed room on the node (a
 * Pod deleted or finished) or after a restart, as kube-scheduler requeues them on such events.
 */
export function retryUnschedulable(cluster: VirtualCluster): void {
  const waiting = (cluster.store.list('pods') as Pod[])
    .filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'))
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  for (const prev of waiting) {
    const next = structuredClone(prev);
    const fit = schedule(cluster, next, now());
    if (!fit?.fits) continue;
    recordScheduling(cluster, cluster.store.update('pods', next) as Pod, fit);
  }
}

/** Retries the Unschedulable Pods whenever a Pod is deleted or finishes. Returns the unsubscribe. */
export function watchForRoom(cluster: VirtualCluster): () => void {
  return cluster.store.watch({
    resource: 'pods',
    onChange: (c) => {
      const phase = (c.object as Pod).status?.phase;
      if (c.type === 'DELETED' || phase === 'Succeeded' || phase === 'Failed') queueMicrotask(() => retryUnschedulable(cluster));
    },
  });
}
