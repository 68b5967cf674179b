// The view the kubelet gets of its cluster (KubeletClusterClient): its Pods, their ConfigMaps
// and Secrets, and the writes a kubelet makes (Pod status, removal after graceful deletion, events).

import type { ConfigMap, Pod, PodStatus, Secret } from '../k8s-types.js';
import type { KubeletClusterClient, PodWatchEvent } from '../node-contract.js';
import type { VirtualCluster } from './cluster.js';
import { finalizeNamespace } from './controllers/namespace-deletion.js';
import { recordPodEvent } from './events.js';
import type { StoredChange } from './storage.js';

export function kubeletClient(cluster: VirtualCluster): KubeletClusterClient {
  return {
    clusterId: cluster.id,
    nodeName: cluster.nodeName,
    watchPods(onEvent: (event: PodWatchEvent) => void): () => void {
      for (const pod of cluster.store.list('pods') as Pod[]) onEvent({ type: 'ADDED', pod });
      return cluster.store.watch({ resource: 'pods', onChange: (c: StoredChange) => onEvent({ type: c.type, pod: c.object as Pod }) });
    },
    listPods: () => cluster.store.list('pods') as Pod[],
    getPod: (namespace, name) => cluster.store.get('pods', namespace, name) as Pod | undefined,
    async updatePodStatus(namespace: string, name: string, uid: string, status: PodStatus): Promise<Pod | undefined> {
      const prev = cluster.store.get('pods', namespace, name) as Pod | undefined;
      if (!prev || prev.metadata.uid !== uid) return undefined;
      const input = structuredClone(prev);
      input.status = structuredClone(status);
      return cluster.update('pods', namespace, name, input, { fieldManager: 'kubelet', subresource: 'status', internal: true }) as Pod;
    },
    async removePod(namespace: string, name: string, uid: string): Promise<void> {
      const prev = cluster.store.get('pods', namespace, name);
      if (!prev || prev.metadata.uid !== uid) return;
      if ((prev.metadata.finalizers ?? []).length > 0) {
        // The containers are gone; the object stays until its finalizers are removed.
        if (prev.metadata.deletionGracePeriodSeconds !== 0) {
          prev.metadata.deletionGracePeriodSeconds = 0;
          cluster.store.update('pods', prev);
        }
        return;
      }
      cluster.store.delete('pods', prev);
      finalizeNamespace(cluster, namespace);
    },
    getConfigMap: (namespace, name) => cluster.store.get('configmaps', namespace, name) as ConfigMap | undefined,
    getSecret: (namespace, name) => cluster.store.get('secrets', namespace, name) as Secret | undefined,
    async recordEvent(e) {
      recordPodEvent(cluster, e.pod, e.type, e.reason, e.message, e.fieldPath);
    },
  };
}
