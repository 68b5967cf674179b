// Durable sandbox records: one JSON file per sandbox under <stateDir>/sandboxes, written
// atomically (temp file + rename), so a runner killed at any moment restarts with every
// record either old or new, never torn.

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { SandboxRecord } from './sandbox.js';

export class SandboxStore {
  private readonly dir: string;
  /** Writes per id are chained so a later write never lands before an earlier one. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(stateDir: string, private readonly logger: Logger) {
    this.dir = path.join(stateDir, 'sandboxes');
  }

  async load(): Promise<SandboxRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const records: SandboxRecord[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        records.push(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as SandboxRecord);
      } catch (error) {
        this.logger.error('sandbox_record_unreadable', { file: name, error });
      }
    }
    return records;
  }

  save(record: SandboxRecord): Promise<void> {
    const snapshot = JSON.stringify(record);
    return this.chain(record.id, async () => {
      const file = path.join(this.dir, `${record.id}.json`);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, snapshot);
      await rename(temp, file);
    });
  }

  remove(id: string): Promise<void> {
    return this.chain(id, () => rm(path.join(this.dir, `${id}.json`), { force: true }));
  }

  private chain(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.pending.get(id) ?? Promise.resolve()).then(async () => {
      await mkdir(this.dir, { recursive: true });
      await write();
    });
    const settled = next.catch(() => undefined);
    this.pending.set(id, settled);
    void settled.then(() => {
      if (this.pending.get(id) === settled) this.pending.delete(id);
    });
    return next;
  }
}
