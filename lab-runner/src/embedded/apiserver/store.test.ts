// A watcher that throws (a broken client or kubelet) neither undoes nor blocks the write, and
// the failure reaches the operator log as a structured line.

import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log.js';
import { MemoryStorage } from './storage.js';
import { ObjectStore } from './store.js';

describe('ObjectStore watchers', () => {
  it('keeps the write and logs a watcher that throws', () => {
    const lines: string[] = [];
    const store = new ObjectStore(new MemoryStorage(), undefined, createLogger({ level: 'info', write: (line) => void lines.push(line) }));
    const seen: string[] = [];
    store.watch({ resource: 'configmaps', onChange: () => { throw new Error('client went away'); } });
    store.watch({ resource: 'configmaps', onChange: (change) => void seen.push(change.object.metadata.name ?? '') });
    const created = store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' } });
    expect(created.metadata.resourceVersion).toBeDefined();
    expect(store.get('configmaps', 'default', 'cfg')?.metadata.name).toBe('cfg');
    expect(seen).toEqual(['cfg']);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'error', event: 'watcher_failed', code: 'WATCHER_FAILED', resource: 'configmaps' }),
    ]);
  });
});
