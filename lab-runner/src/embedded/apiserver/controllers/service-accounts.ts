// The service account controller's one job here: every live namespace has a `default`
// ServiceAccount, created with the namespace and again if it is deleted.

import type { VirtualCluster } from '../cluster.js';

export function ensureDefaultServiceAccount(cluster: VirtualCluster, namespace: string): void {
  const { store } = cluster;
  const ns = store.peek('namespaces', undefined, namespace);
  if (!ns || ns.metadata.deletionTimestamp || store.peek('serviceaccounts', namespace, 'default')) return;
  cluster.create('serviceaccounts', namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, { fieldManager: 'kube-controller-manager', internal: true });
}

/** Keeps `default` ServiceAccounts in place as namespaces come and accounts go. Returns the unsubscribes. */
export function watchServiceAccounts(cluster: VirtualCluster): (() => void)[] {
  return [
    cluster.store.watch({
      resource: 'namespaces',
      onChange: (c) => {
        if (c.type === 'ADDED') queueMicrotask(() => ensureDefaultServiceAccount(cluster, c.object.metadata.name ?? ''));
      },
    }),
    cluster.store.watch({
      resource: 'serviceaccounts',
      onChange: (c) => {
        if (c.type === 'DELETED' && c.object.metadata.name === 'default') queueMicrotask(() => ensureDefaultServiceAccount(cluster, c.object.metadata.namespace ?? ''));
      },
    }),
  ];
}
