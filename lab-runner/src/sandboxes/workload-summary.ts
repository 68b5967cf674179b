// What the live panel beside the terminal shows: the sandbox's Pods and their containers,
// read through the Kubernetes API (so it looks the same on every provider).

import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from '../checks/kube-clients.js';

export interface ContainerSummary {
  name: string;
  image: string;
  init: boolean;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason: string | null;
  ready: boolean;
  restartCount: number;
}

export interface PodSummary {
  namespace: string;
  name: string;
  phase: string;
  /** Why the Pod is where it is, as kubectl would say: Terminating, Unschedulable, DeadlineExceeded… */
  reason: string | null;
  /** The longer explanation that goes with the reason (the scheduler's, the kubelet's). */
  message: string | null;
  ready: boolean;
  createdAt: string | null;
  deleting: boolean;
  containers: ContainerSummary[];
  /** The TCP ports the Pod's containers declare (containerPort), for the web preview. */
  ports: number[];
  volumes: { name: string; type: string }[];
}

function containerSummary(name: string, image: string, init: boolean, status: V1ContainerStatus | undefined): ContainerSummary {
  const state = status?.state;
  const kind = state?.running ? 'running' : state?.terminated ? 'terminated' : state?.waiting ? 'waiting' : 'unknown';
  return {
    name,
    image,
    init,
    state: kind,
    reason: state?.waiting?.reason ?? state?.terminated?.reason ?? null,
    ready: status?.ready ?? false,
    restartCount: status?.restartCount ?? 0,
  };
}

/** The Pod-level reason and message: deletion first, then a refusal to schedule, then the Pod's own. */
function podReason(pod: V1Pod): { reason: string | null; message: string | null } {
  if (pod.metadata?.deletionTimestamp) return { reason: 'Terminating', message: null };
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { reason: unscheduled.reason ?? null, message: unscheduled.message ?? null };
  return { reason: pod.status?.reason ?? null, message: pod.status?.message ?? null };
}

export function podSummary(pod: V1Pod): PodSummary {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const find = (name: string) => statuses.find((s) => s.name === name);
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ...podReason(pod),
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    createdAt: pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).toISOString() : null,
    deleting: pod.metadata?.deletionTimestamp !== undefined,
    containers: [
      ...(pod.spec?.initContainers ?? []).map((c) => containerSummary(c.name, c.image ?? '', true, find(c.name))),
      ...(pod.spec?.containers ?? []).map((c) => containerSummary(c.name, c.image ?? '', false, find(c.name))),
    ],
    ports: [...new Set((pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort)))].sort((a, b) => a - b),
    volumes: (pod.spec?.volumes ?? []).map((v) => ({
      name: v.name,
      type: Object.keys(v).find((k) => k !== 'name') ?? 'unknown',
    })),
  };
}

export async function workloadSummary(clients: KubeClients): Promise<{ pods: PodSummary[] }> {
  const pods = await clients.core.listPodForAllNamespaces();
  return { pods: pods.items.map(podSummary).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)) };
}
