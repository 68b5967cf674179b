// What a fresh cluster has before anyone writes to it: the four default namespaces, each with
// its `default` ServiceAccount, and the API server's own `kubernetes` Service.

import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../k8s-types.js';
import type { VirtualCluster } from './cluster.js';
import { ensureDefaultServiceAccount } from './controllers/service-accounts.js';
import { now } from './timestamps.js';

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function createDefaultNamespaces(cluster: VirtualCluster): void {
  for (const ns of DEFAULT_NAMESPACES) {
    if (!cluster.store.peek('namespaces', undefined, ns)) cluster.create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'kube-apiserver', internal: true });
    ensureDefaultServiceAccount(cluster, ns);
  }
}

export function createKubernetesService(cluster: VirtualCluster): void {
  if (!cluster.store.peek('services', 'default', 'kubernetes')) cluster.store.create('services', kubernetesService(now()));
}

/** The API server's own Service, which every real cluster has in `default`. */
function kubernetesService(ts: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      uid: randomUUID(),
      creationTimestamp: ts,
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  } as KubeObject;
}
