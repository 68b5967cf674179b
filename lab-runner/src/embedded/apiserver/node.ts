// The cluster's one node as the API shows it: the Node object with its labels, capacity and a
// heartbeat refreshed at most once a minute, the events a node records as its kubelet starts,
// and the heartbeat Lease in kube-node-lease derived from it.

import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { KubeObject, ObjectReference } from '../k8s-types.js';
import type { VirtualCluster } from './cluster.js';
import { recordEvent } from './events.js';
import { now } from './timestamps.js';

const KUBE_VERSION = 'v1.33.1';

export interface NodeCapacity {
  cpus: number;
  memoryBytes: number;
  pods: number;
}

/** The node object, with a fresh heartbeat (at most once a minute, to keep resourceVersions calm). */
export function refreshNode(cluster: VirtualCluster): void {
  const { store, nodeName } = cluster;
  const prev = store.get('nodes', undefined, nodeName);
  const ts = now();
  if (prev) {
    const ready = (prev as unknown as { status?: { conditions?: { lastHeartbeatTime?: string }[] } }).status?.conditions?.[0]?.lastHeartbeatTime;
    if (ready && Date.now() - Date.parse(ready) < 60_000) return;
  }
  const node = buildNode(nodeName, cluster.nodeAddress, cluster.capacity, prev, ts);
  if (prev) store.update('nodes', node);
  else recordNodeStart(cluster, store.create('nodes', node));
}

/** The node's heartbeat Lease in kube-node-lease, derived from the node (read-only). */
export function nodeLease(cluster: VirtualCluster): KubeObject {
  const { nodeName } = cluster;
  const node = cluster.store.peek('nodes', undefined, nodeName);
  const status = (node as unknown as { status?: { conditions?: { type: string; lastHeartbeatTime?: string }[] } } | undefined)?.status;
  const heartbeat = status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? now();
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: 'kube-node-lease',
      uid: node?.metadata.uid,
      resourceVersion: node?.metadata.resourceVersion,
      creationTimestamp: node?.metadata.creationTimestamp,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node?.metadata.uid ?? '' }],
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: 40, renewTime: heartbeat.replace('Z', '.000000Z') },
  } as KubeObject;
}

/** The events a real node records when its kubelet starts and registers. */
function recordNodeStart(cluster: VirtualCluster, node: KubeObject): void {
  const n = cluster.nodeName;
  const ref: ObjectReference = { kind: 'Node', name: n, uid: node.metadata.uid };
  const record = (reason: string, message: string, component = 'kubelet') => recordEvent(cluster, 'default', ref, 'Normal', reason, message, component);
  record('Starting', 'Starting kubelet.');
  record('NodeHasSufficientMemory', `Node ${n} status is now: NodeHasSufficientMemory`);
  record('NodeHasNoDiskPressure', `Node ${n} status is now: NodeHasNoDiskPressure`);
  record('NodeHasSufficientPID', `Node ${n} status is now: NodeHasSufficientPID`);
  record('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  record('RegisteredNode', `Node ${n} event: Registered Node ${n} in Controller`, 'node-controller');
  record('NodeReady', `Node ${n} status is now: NodeReady`);
}

function osImage(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

const nodeArch = () => (process.arch === 'x64' ? 'amd64' : process.arch);

/** The node's labels: what nodeSelector and node affinity match against. */
export function nodeLabels(name: string): Record<string, string> {
  const arch = nodeArch();
  return { 'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
}

/** Memory as the node reports it (whole KiB), so the scheduler and `kubectl describe node` agree. */
export const allocatableMemory = (bytes: number) => Math.floor(bytes / 1024) * 1024;

function buildNode(name: string, address: string, cap: NodeCapacity, prev: KubeObject | undefined, ts: string): KubeObject {
  const memKi = `${allocatableMemory(cap.memoryBytes) / 1024}Ki`;
  const prevStatus = (prev as unknown as { status?: { conditions?: { type: string; lastTransitionTime?: string }[]; nodeInfo?: Record<string, string> } } | undefined)?.status;
  const since = (type: string) => prevStatus?.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? ts;
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: ts, lastTransitionTime: since(type), reason, message });
  const capacity = { cpu: String(cap.cpus), 'ephemeral-storage': '20971520Ki', memory: memKi, pods: String(cap.pods), 'hugepages-2Mi': '0' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...(prev?.metadata ?? {}),
      name,
      uid: prev?.metadata.uid ?? randomUUID(),
      creationTimestamp: prev?.metadata.creationTimestamp ?? ts,
      labels: nodeLabels(name),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: prevStatus?.nodeInfo?.['machineID'] ?? randomBytes(16).toString('hex'),
        systemUUID: prevStatus?.nodeInfo?.['systemUUID'] ?? randomUUID(),
        bootID: prevStatus?.nodeInfo?.['bootID'] ?? randomUUID(),
        kernelVersion: os.release(),
        osImage: osImage(),
        containerRuntimeVersion: 'podman://4.3.1',
        kubeletVersion: KUBE_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: nodeArch(),
      },
    },
  } as KubeObject;
}
