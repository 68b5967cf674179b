// One stream of the engine's container events per engine, shared by every kubelet in the
// process and dispatched by cluster label: 100 sandboxes must not open 100 event streams.

import type Dockerode from 'dockerode';
import { LABEL } from './labels.js';

export interface ContainerEvent {
  action: string;
  id: string;
  podUid: string | undefined;
}

type Listener = (event: ContainerEvent) => void;

interface Hub {
  listeners: Map<string, Set<Listener>>;
  stream: NodeJS.ReadableStream | undefined;
  /** A stream is being opened: a second subscriber waits for it instead of opening another. */
  connecting: boolean;
  retry: NodeJS.Timeout | undefined;
}

const hubs = new WeakMap<Dockerode, Hub>();

function connect(docker: Dockerode, hub: Hub): void {
  if (hub.stream || hub.connecting || hub.listeners.size === 0) return;
  hub.connecting = true;
  docker.getEvents({ filters: { type: ['container'], label: [`${LABEL.managed}=true`] } }).then(
    (stream) => {
      hub.connecting = false;
      if (hub.listeners.size === 0) {
        (stream as unknown as { destroy(): void }).destroy();
        return;
      }
      hub.stream = stream;
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          let raw: { Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
          try {
            raw = JSON.parse(line);
          } catch {
            continue;
          }
          const attributes = raw.Actor?.Attributes ?? {};
          const cluster = attributes[LABEL.cluster];
          if (!cluster) continue;
          const event = { action: raw.Action ?? raw.status ?? '', id: raw.Actor?.ID ?? raw.id ?? '', podUid: attributes[LABEL.podUid] };
          for (const listener of hub.listeners.get(cluster) ?? []) listener(event);
        }
      });
      const reconnect = () => {
        if (hub.stream !== stream) return;
        hub.stream = undefined;
        hub.retry = setTimeout(() => connect(docker, hub), 1000);
        hub.retry.unref();
      };
      stream.on('end', reconnect);
      stream.on('error', reconnect);
    },
    () => {
      hub.connecting = false;
      hub.retry = setTimeout(() => connect(docker, hub), 1000);
      hub.retry.unref();
    },
  );
}

/** Calls `listener` for every event of a container labelled with `clusterId`. Returns the unsubscribe. */
export function subscribeContainerEvents(docker: Dockerode, clusterId: string, listener: Listener): () => void {
  let hub = hubs.get(docker);
  if (!hub) {
    hub = { listeners: new Map(), stream: undefined, connecting: false, retry: undefined };
    hubs.set(docker, hub);
  }
  const set = hub.listeners.get(clusterId) ?? new Set<Listener>();
  set.add(listener);
  hub.listeners.set(clusterId, set);
  connect(docker, hub);
  return () => {
    const current = hubs.get(docker);
    if (!current) return;
    const listeners = current.listeners.get(clusterId);
    listeners?.delete(listener);
    if (listeners?.size === 0) current.listeners.delete(clusterId);
    if (current.listeners.size === 0) {
      if (current.retry) clearTimeout(current.retry);
      const stream = current.stream as unknown as { destroy(): void } | undefined;
      current.stream = undefined;
      stream?.destroy();
    }
  };
}
