// Where a virtual cluster's objects live between process restarts. The in-memory ObjectStore
// is the source of truth while running; a StorageBackend only records its changes.
//
// FileStorage: a snapshot (all objects at one resourceVersion) plus an append-only log of
// the changes after it, one JSON line each. Loading replays the log, so a restarted process
// serves the same objects and resourceVersions, and can replay watch history since the snapshot.

import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KubeObject } from '../k8s-types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredChange {
  rv: number;
  type: ChangeType;
  resource: string;
  object: KubeObject;
}

export interface LoadedState {
  rv: number;
  objects: { resource: string; object: KubeObject }[];
  /** Changes after the snapshot, oldest first (the watch history available after a restart). */
  changes: StoredChange[];
  /** The resourceVersion the snapshot was taken at; watches from before it get 410 Gone. */
  snapshotRv: number;
}

export interface StorageBackend {
  load(): LoadedState;
  append(change: StoredChange): void;
  /** Replaces the history with a snapshot of `objects` at `rv`. */
  compact(rv: number, objects: { resource: string; object: KubeObject }[]): void;
  /** Removes everything this backend stored. */
  destroy(): void;
  close(): void;
}

export class MemoryStorage implements StorageBackend {
  load(): LoadedState {
    return { rv: 0, objects: [], changes: [], snapshotRv: 0 };
  }
  append(): void {}
  compact(): void {}
  destroy(): void {}
  close(): void {}
}

const kubeObject = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({}) });
const snapshotSchema = z.object({
  rv: z.number().int().nonnegative(),
  objects: z.array(z.object({ resource: z.string(), object: kubeObject })),
});
const changeSchema = z.object({
  rv: z.number().int().positive(),
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
  resource: z.string(),
  object: kubeObject,
});

export class FileStorage implements StorageBackend {
  private readonly snapshotFile: string;
  private readonly logFile: string;
  private fd: number | undefined;

  constructor(private readonly dir: string) {
    this.snapshotFile = join(dir, 'snapshot.json');
    this.logFile = join(dir, 'changes.jsonl');
  }

  load(): LoadedState {
    mkdirSync(this.dir, { recursive: true });
    let rv = 0;
    let objects: { resource: string; object: KubeObject }[] = [];
    if (existsSync(this.snapshotFile)) {
      const snap = snapshotSchema.parse(JSON.parse(readFileSync(this.snapshotFile, 'utf8')));
      rv = snap.rv;
      objects = snap.objects as { resource: string; object: KubeObject }[];
    }
    const snapshotRv = rv;
    const changes: StoredChange[] = [];
    if (existsSync(this.logFile)) {
      const lines = readFileSync(this.logFile, 'utf8').split('\n');
      for (const line of lines) {
        if (!line.trim()) continue;
        let parsed: StoredChange;
        try {
          parsed = changeSchema.parse(JSON.parse(line)) as StoredChange;
        } catch {
          break; // a torn last line from a crash mid-write: everything before it is intact
        }
        if (parsed.rv <= rv) continue;
        changes.push(parsed);
        rv = parsed.rv;
      }
    }
    // Rebuild the current objects from the snapshot plus the replayed log.
    const byKey = new Map<string, { resource: string; object: KubeObject }>();
    const keyOf = (resource: string, o: KubeObject) => `${resource}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    for (const entry of objects) byKey.set(keyOf(entry.resource, entry.object), entry);
    for (const c of changes) {
      if (c.type === 'DELETED') byKey.delete(keyOf(c.resource, c.object));
      else byKey.set(keyOf(c.resource, c.object), { resource: c.resource, object: c.object });
    }
    return { rv, objects: [...byKey.values()], changes, snapshotRv };
  }

  append(change: StoredChange): void {
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(this.logFile, 'a');
    }
    appendFileSync(this.fd, JSON.stringify(change) + '\n');
  }

  compact(rv: number, objects: { resource: string; object: KubeObject }[]): void {
    const tmp = this.snapshotFile + '.tmp';
    writeFileSync(tmp, JSON.stringify({ rv, objects }));
    renameSync(tmp, this.snapshotFile);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.logFile, 'w');
  }

  destroy(): void {
    this.close();
    rmSync(this.snapshotFile, { force: true });
    rmSync(this.logFile, { force: true });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
