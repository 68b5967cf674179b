// The namespace controller's deletion: DELETE marks a namespace Terminating (the three built-in
// ones may not be deleted); what is left in it is then deleted, Pods gracefully, and the
// namespace goes once no Pod remains. Namespaces left Terminating by a restart finish later.

import type { KubeObject, Pod } from '../../k8s-types.js';
import { StatusError } from '../../status-error.js';
import type { DeleteOptions, VirtualCluster } from '../cluster.js';
import { deletePod } from '../pod-deletion.js';
import { STORED } from '../resources.js';
import { now } from '../timestamps.js';

const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function deleteNamespace(cluster: VirtualCluster, prev: KubeObject, opts: DeleteOptions): { object: KubeObject; gone: boolean } {
  const name = prev.metadata.name ?? '';
  if (UNDELETABLE_NAMESPACES.has(name))
    throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  if (prev.metadata.deletionTimestamp) return { object: prev, gone: false };
  const next = structuredClone(prev) as KubeObject & { status?: Record<string, unknown> };
  next.metadata.deletionTimestamp = now();
  next.metadata.deletionGracePeriodSeconds = 0;
  next.status = { phase: 'Terminating' };
  if (opts.dryRun) return { object: next, gone: false };
  const stored = cluster.store.update('namespaces', next);
  queueMicrotask(() => finalizeNamespace(cluster, name));
  return { object: stored, gone: false };
}

/** Deletes what is left in a Terminating namespace, and the namespace once it is empty. */
export function finalizeNamespace(cluster: VirtualCluster, name: string): void {
  const { store } = cluster;
  const ns = store.peek('namespaces', undefined, name);
  if (!ns?.metadata.deletionTimestamp) return;
  for (const resource of Object.keys(STORED)) {
    if (!STORED[resource]?.namespaced) continue;
    for (const o of store.list(resource, name)) {
      if (resource === 'pods') {
        if (!o.metadata.deletionTimestamp) deletePod(cluster, o as Pod, {});
      } else if (store.peek(resource, name, o.metadata.name ?? '')) store.delete(resource, o);
    }
  }
  if (store.count('pods', name) === 0) {
    const current = store.get('namespaces', undefined, name);
    if (current) store.delete('namespaces', current);
  }
}

/** Finishes every namespace still Terminating (after a restart, and on each sweep). */
export function finalizeTerminatingNamespaces(cluster: VirtualCluster): void {
  for (const ns of cluster.store.list('namespaces')) if (ns.metadata.deletionTimestamp) finalizeNamespace(cluster, ns.metadata.name ?? '');
}
