// Event expiry: events older than an hour are deleted, as the real API server's event TTL does.

import type { Event } from '../../k8s-types.js';
import type { ObjectStore } from '../store.js';

const EVENT_TTL_MS = 60 * 60 * 1000;

export function expireEvents(store: ObjectStore): void {
  const cutoff = Date.now() - EVENT_TTL_MS;
  for (const e of store.list('events') as Event[]) {
    const last = Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp ?? '');
    if (last < cutoff) store.delete('events', e);
  }
}
