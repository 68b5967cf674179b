// The labels the kubelet puts on every container it creates. They are the only state a
// restarted runner needs to find its Pods' containers again (kind keeps state the same way).

export const LABEL = {
  managed: 'io.kubelab.managed',
  cluster: 'io.kubelab.cluster',
  podUid: 'io.kubelab.pod-uid',
  podNamespace: 'io.kubelab.pod-namespace',
  podName: 'io.kubelab.pod-name',
  container: 'io.kubelab.container',
  role: 'io.kubelab.role',
  /** How many times this container had been restarted when this instance was created. */
  restartCount: 'io.kubelab.restart-count',
  /** The display-only Pod IP, kept on the infra container so it survives a runner restart. */
  podIP: 'io.kubelab.pod-ip',
  /** The image as the Pod spec wrote it (containerStatuses[].image). */
  image: 'io.kubelab.image-spec',
} as const;

export type ContainerRole = 'infra' | 'init' | 'sidecar' | 'app' | 'ephemeral';

/**
 * The container that holds a sandbox's user-namespace range (userns-holders.ts): its Pods'
 * infra containers join its namespace, and while it exists no other sandbox gets its ids,
 * even when the sandbox has no Pod.
 */
export const USERNS_HOLDER_ROLE = 'userns';

export const INFRA_NAME = 'POD';

/** Engine-side container name: unique per cluster, Pod uid, container and restart. */
export function engineContainerName(clusterId: string, podName: string, podUid: string, container: string, restartCount: number): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `kubelab_${safe(clusterId)}_${safe(podName)}_${podUid.slice(0, 8)}_${safe(container)}_${restartCount}`;
}
