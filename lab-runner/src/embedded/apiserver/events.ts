// core/v1 Events: recorded the way client-go's recorders do (a repeat bumps count and
// lastTimestamp), named as upstream names them.

import { randomUUID } from 'node:crypto';
import type { Event, ObjectReference, Pod } from '../k8s-types.js';
import type { VirtualCluster } from './cluster.js';
import { now } from './timestamps.js';

export type EventType = 'Normal' | 'Warning';

let lastEventNanos = 0n;
/** As upstream, an event's name ends in its creation time in hex nanoseconds, so names sort in time order. */
function eventSuffix(): string {
  let nanos = BigInt(Date.now()) * 1_000_000n;
  if (nanos <= lastEventNanos) nanos = lastEventNanos + 1n;
  lastEventNanos = nanos;
  return nanos.toString(16);
}

/**
 * Records a core/v1 Event in `namespace` about `involved`. A repeat of the same (object,
 * reason, message, fieldPath, source) bumps count and lastTimestamp, as real recorders do.
 */
export function recordEvent(cluster: VirtualCluster, namespace: string, involved: ObjectReference, type: EventType, reason: string, message: string, component: string): void {
  const { store } = cluster;
  if (!store.peek('namespaces', undefined, namespace)) return;
  const ts = now();
  const match = store.find('events', namespace, (o) => {
    const e = o as Event;
    return (
      e.involvedObject.uid === involved.uid &&
      e.reason === reason &&
      e.message === message &&
      (e.involvedObject.fieldPath ?? '') === (involved.fieldPath ?? '') &&
      e.source?.component === component
    );
  });
  if (match) {
    const existing = structuredClone(match) as Event;
    existing.count = (existing.count ?? 1) + 1;
    existing.lastTimestamp = ts;
    store.update('events', existing);
    return;
  }
  const onNode = component === 'kubelet';
  const event: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.${eventSuffix()}`, namespace, uid: randomUUID(), creationTimestamp: ts },
    involvedObject: involved,
    reason,
    message,
    source: onNode ? { component, host: cluster.nodeName } : { component },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: onNode ? cluster.nodeName : '',
  };
  store.create('events', event);
}

/** An Event about a Pod, by default from the kubelet. */
export function recordPodEvent(cluster: VirtualCluster, pod: Pod, type: EventType, reason: string, message: string, fieldPath?: string, component = 'kubelet'): void {
  const ns = pod.metadata.namespace ?? 'default';
  recordEvent(
    cluster,
    ns,
    { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
    type,
    reason,
    message,
    component,
  );
}
