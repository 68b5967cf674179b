// One virtual cluster's objects, in memory, with a cluster-wide resourceVersion counter and a
// bounded history of changes for watches. Every write goes through here, is given the next
// resourceVersion, recorded by the StorageBackend, and delivered synchronously to watchers.
// Objects handed out are deep copies: callers may change them freely.

import { stderrLogger, type Logger } from '../../log.js';
import type { KubeObject } from '../k8s-types.js';
import type { ChangeType, StorageBackend, StoredChange } from './storage.js';

export interface StoreWatcher {
  resource: string;
  onChange(change: StoredChange): void;
}

/** The watch start point is older than the retained history: the client must re-list (410 Gone). */
export class ResourceExpiredError extends Error {
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export interface HistoryOptions {
  /** How many changes watches can resume from (older start points get 410 Gone). */
  limit: number;
  /** Write a snapshot (and truncate the change log) after this many changes. */
  compactEvery: number;
  /**
   * Bytes the retained history may hold, and the change log may grow by before a snapshot:
   * without them, rewriting one large object again and again would fill memory and disk
   * while the stored objects stay small.
   */
  maxBytes?: number;
}

const DEFAULT_HISTORY: HistoryOptions = { limit: 4000, compactEvery: 2000, maxBytes: 64 * 1024 * 1024 };

const clone = <T>(v: T): T => structuredClone(v);

/** A retained change and the object it replaced: null when it created the object, undefined when not known (loaded from storage). */
type HistoryEntry = StoredChange & { previous?: KubeObject | null; bytes: number };

/** An object's size as stored (JSON), what the sandbox's byte quota counts. */
export const storedSize = (o: KubeObject): number => Buffer.byteLength(JSON.stringify(o));

export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>(); // resource -> key -> object
  private history: HistoryEntry[] = [];
  /** Watches may start at any RV >= this one. */
  private oldestRv: number;
  private rv: number;
  private appendedSinceCompact = 0;
  private readonly watchers = new Set<StoreWatcher>();
  /** Size of every stored object, by resource and key, and their total. */
  private readonly sizes = new Map<string, number>();
  private totalBytes = 0;
  private historyBytes = 0;
  private bytesSinceCompact = 0;

  private readonly historyLimit: number;
  private readonly compactEvery: number;
  private readonly maxBytes: number;

  constructor(
    private readonly backend: StorageBackend,
    history: HistoryOptions = DEFAULT_HISTORY,
    private readonly logger: Logger = stderrLogger({ component: 'apiserver' }),
  ) {
    this.historyLimit = history.limit;
    this.compactEvery = history.compactEvery;
    this.maxBytes = history.maxBytes ?? Infinity;
    const state = backend.load();
    this.rv = state.rv;
    for (const { resource, object } of state.objects) {
      this.bucket(resource).set(keyOf(object), object);
      this.account(resource, object, storedSize(object));
    }
    this.history = state.changes.slice(-this.historyLimit).map((c) => ({ ...c, bytes: storedSize(c.object) }));
    for (const c of this.history) this.historyBytes += c.bytes;
    this.oldestRv = this.history.length > 0 && this.history.length === state.changes.length ? state.snapshotRv : (this.history[0]?.rv ?? state.rv + 1) - 1;
    this.appendedSinceCompact = state.changes.length;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Bytes of every stored object together (as JSON). */
  get storedBytes(): number {
    return this.totalBytes;
  }

  /** The stored size of one object; 0 when it does not exist. */
  sizeOf(resource: string, namespace: string | undefined, name: string): number {
    return this.sizes.get(`${resource}\0${namespace ?? ''}/${name}`) ?? 0;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(resource)?.get(`${namespace ?? ''}/${name}`);
    return o ? clone(o) : undefined;
  }

  /** Read-only access without copying, for hot paths that only read. */
  peek(resource: string, namespace: string | undefined, name: string): Readonly<KubeObject> | undefined {
    return this.objects.get(resource)?.get(`${namespace ?? ''}/${name}`);
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.objects.get(resource)?.values() ?? []) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(clone(o));
    }
    return out.sort(compareObjects);
  }

  /** The first object matching `predicate` (read-only, not copied). */
  find(resource: string, namespace: string | undefined, predicate: (o: Readonly<KubeObject>) => boolean): Readonly<KubeObject> | undefined {
    for (const o of this.objects.get(resource)?.values() ?? []) if ((namespace === undefined || o.metadata.namespace === namespace) && predicate(o)) return o;
    return undefined;
  }

  count(resource: string, namespace?: string): number {
    let n = 0;
    for (const o of this.objects.get(resource)?.values() ?? []) if (namespace === undefined || o.metadata.namespace === namespace) n++;
    return n;
  }

  /** Stores a new object; the caller has checked it does not exist. Returns the stored copy. */
  create(resource: string, object: KubeObject): KubeObject {
    return this.write(resource, 'ADDED', object);
  }

  update(resource: string, object: KubeObject): KubeObject {
    return this.write(resource, 'MODIFIED', object);
  }

  delete(resource: string, object: KubeObject): KubeObject {
    return this.write(resource, 'DELETED', object);
  }

  /**
   * Subscribes to changes of `resource`. With `sinceRv`, first replays the retained changes
   * after it (throws ResourceExpiredError when they are no longer retained).
   */
  watch(watcher: StoreWatcher, sinceRv?: number): () => void {
    if (sinceRv !== undefined) {
      if (sinceRv < this.oldestRv) throw new ResourceExpiredError(sinceRv, this.oldestRv + 1);
      for (const change of this.history) {
        if (change.rv > sinceRv && change.resource === watcher.resource) watcher.onChange(clone(change));
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /**
   * For a watch resuming at `sinceRv`: what each object of `resource` changed since then was at
   * that version, by namespace/name key; null when it did not exist yet, undefined when the
   * retained history does not tell. Objects not in the map are as they are now.
   */
  statesAt(resource: string, sinceRv: number): Map<string, KubeObject | null | undefined> {
    const states = new Map<string, KubeObject | null | undefined>();
    for (const change of this.history) {
      if (change.rv <= sinceRv || change.resource !== resource) continue;
      const key = keyOf(change.object);
      if (!states.has(key)) states.set(key, change.previous ? clone(change.previous) : change.previous);
    }
    return states;
  }

  close(): void {
    this.watchers.clear();
    this.backend.close();
  }

  destroy(): void {
    this.watchers.clear();
    this.backend.destroy();
  }

  private write(resource: string, type: ChangeType, input: KubeObject): KubeObject {
    const object = clone(input);
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    const key = keyOf(object);
    const previous = this.bucket(resource).get(key) ?? null;
    const bytes = storedSize(object);
    if (type === 'DELETED') {
      this.bucket(resource).delete(key);
      this.account(resource, object, 0);
    } else {
      this.bucket(resource).set(key, object);
      this.account(resource, object, bytes);
    }
    const change: StoredChange = { rv: this.rv, type, resource, object };
    this.backend.append(change);
    // The replaced object is the one the previous change recorded: keeping it costs no copy.
    this.history.push({ ...change, previous, bytes });
    this.historyBytes += bytes;
    let drop = Math.max(0, this.history.length - this.historyLimit);
    let over = this.historyBytes;
    for (let i = 0; i < drop; i++) over -= this.history[i]?.bytes ?? 0;
    // Oldest first until the history fits its bytes; the newest change always stays.
    while (over > this.maxBytes && drop < this.history.length - 1) over -= this.history[drop++]?.bytes ?? 0;
    if (drop > 0) {
      const dropped = this.history.splice(0, drop);
      this.historyBytes = over;
      this.oldestRv = dropped[dropped.length - 1]?.rv ?? this.oldestRv;
    }
    this.bytesSinceCompact += bytes;
    if (++this.appendedSinceCompact >= this.compactEvery || this.bytesSinceCompact >= this.maxBytes) {
      this.appendedSinceCompact = 0;
      this.bytesSinceCompact = 0;
      const all: { resource: string; object: KubeObject }[] = [];
      for (const [r, bucket] of this.objects) for (const o of bucket.values()) all.push({ resource: r, object: o });
      this.backend.compact(this.rv, all);
    }
    for (const w of [...this.watchers]) {
      if (w.resource !== resource) continue;
      try {
        w.onChange({ rv: change.rv, type, resource, object: clone(object) });
      } catch (err) {
        // A failing watcher (a broken client or kubelet) must not undo or block the write.
        this.logger.error('watcher_failed', { code: 'WATCHER_FAILED', resource, error: err });
      }
    }
    return clone(object);
  }

  private account(resource: string, object: KubeObject, bytes: number): void {
    const k = `${resource}\0${keyOf(object)}`;
    this.totalBytes += bytes - (this.sizes.get(k) ?? 0);
    if (bytes === 0) this.sizes.delete(k);
    else this.sizes.set(k, bytes);
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

function compareObjects(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  const ma = a.metadata.name ?? '';
  const mb = b.metadata.name ?? '';
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}
