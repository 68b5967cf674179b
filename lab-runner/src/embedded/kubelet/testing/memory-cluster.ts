// An in-memory KubeletClusterClient for the kubelet's own tests: the API server's side of
// node-contract.ts with just enough behaviour (uids, watch, status, graceful deletion,
// events with counts). The integration tests through the real API server use the real one.

import { randomUUID } from 'node:crypto';
import type { ConfigMap, Event, Pod, PodStatus, Secret } from '../../k8s-types.js';
import type { KubeletClusterClient, PodWatchEvent } from '../../node-contract.js';

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

export class MemoryCluster implements KubeletClusterClient {
  readonly nodeName = 'kubelab-node';
  readonly pods = new Map<string, Pod>();
  readonly configMaps = new Map<string, ConfigMap>();
  readonly secrets = new Map<string, Secret>();
  readonly events: Event[] = [];
  private readonly watchers = new Set<(event: PodWatchEvent) => void>();
  private version = 1;

  constructor(readonly clusterId: string) {}

  private emit(type: PodWatchEvent['type'], pod: Pod): void {
    for (const watcher of this.watchers) watcher({ type, pod: clone(pod) });
  }

  watchPods(onEvent: (event: PodWatchEvent) => void): () => void {
    for (const pod of this.pods.values()) onEvent({ type: 'ADDED', pod: clone(pod) });
    this.watchers.add(onEvent);
    return () => this.watchers.delete(onEvent);
  }

  listPods(): Pod[] {
    return [...this.pods.values()].map(clone);
  }

  getPod(namespace: string, name: string): Pod | undefined {
    const pod = this.pods.get(key(namespace, name));
    return pod && clone(pod);
  }

  async updatePodStatus(namespace: string, name: string, uid: string, status: PodStatus): Promise<Pod | undefined> {
    const pod = this.pods.get(key(namespace, name));
    if (!pod || pod.metadata.uid !== uid) return undefined;
    pod.status = clone(status);
    pod.metadata.resourceVersion = String(++this.version);
    this.emit('MODIFIED', pod);
    return clone(pod);
  }

  async removePod(namespace: string, name: string, uid: string): Promise<void> {
    const pod = this.pods.get(key(namespace, name));
    if (!pod || pod.metadata.uid !== uid) return;
    this.pods.delete(key(namespace, name));
    this.emit('DELETED', pod);
  }

  getConfigMap(namespace: string, name: string): ConfigMap | undefined {
    const cm = this.configMaps.get(key(namespace, name));
    return cm && clone(cm);
  }

  getSecret(namespace: string, name: string): Secret | undefined {
    const secret = this.secrets.get(key(namespace, name));
    return secret && clone(secret);
  }

  async recordEvent(event: { pod: Pod; type: 'Normal' | 'Warning'; reason: string; message: string; fieldPath?: string }): Promise<void> {
    const now = new Date().toISOString();
    const existing = this.events.find(
      (e) => e.involvedObject.uid === event.pod.metadata.uid && e.reason === event.reason && e.message === event.message && e.involvedObject.fieldPath === event.fieldPath,
    );
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      existing.lastTimestamp = now;
      return;
    }
    this.events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${event.pod.metadata.name}.${randomUUID().slice(0, 8)}`, namespace: event.pod.metadata.namespace ?? 'default' },
      involvedObject: { kind: 'Pod', name: event.pod.metadata.name, namespace: event.pod.metadata.namespace ?? 'default', uid: event.pod.metadata.uid, ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}) },
      reason: event.reason,
      message: event.message,
      type: event.type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kubelet', host: this.nodeName },
    });
  }

  /** What the API server does on create: a uid, the node, PodScheduled. */
  createPod(input: Omit<Pod, 'apiVersion' | 'kind'> & Partial<Pick<Pod, 'apiVersion' | 'kind'>>): Pod {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const pod: Pod = {
      ...clone(input),
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'default', ...clone(input.metadata), uid: randomUUID(), resourceVersion: String(++this.version), creationTimestamp: now },
      spec: { ...clone(input.spec), nodeName: this.nodeName },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] },
    };
    this.pods.set(key(pod.metadata.namespace ?? 'default', pod.metadata.name ?? ''), pod);
    this.emit('ADDED', pod);
    return clone(pod);
  }

  /** Graceful deletion as the API server starts it: deletionTimestamp + grace period. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): void {
    const pod = this.pods.get(key(namespace, name));
    if (!pod) return;
    pod.metadata.deletionTimestamp = new Date().toISOString();
    pod.metadata.deletionGracePeriodSeconds = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    pod.metadata.resourceVersion = String(++this.version);
    this.emit('MODIFIED', pod);
  }

  eventsFor(name: string): Event[] {
    return this.events.filter((e) => e.involvedObject.name === name);
  }
}
