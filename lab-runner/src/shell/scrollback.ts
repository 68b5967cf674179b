// The last screenful(s) of a terminal, bounded in bytes, replayed to a reconnecting browser.
// Saved on a graceful stop and loaded at start, so a reconnect after a runner restart still
// shows where the learner was.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class Scrollback {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limitBytes: number) {}

  append(chunk: Buffer): void {
    if (chunk.length >= this.limitBytes) {
      this.chunks = [chunk.subarray(chunk.length - this.limitBytes)];
      this.size = this.limitBytes;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limitBytes) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limitBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** The kept bytes, starting at a line boundary so no escape sequence or character is cut. */
  snapshot(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    if (all.length < this.limitBytes) return all;
    const newline = all.indexOf(0x0a);
    return newline === -1 ? Buffer.alloc(0) : all.subarray(newline + 1);
  }

  get byteLength(): number {
    return this.size;
  }
}

/** Scrollbacks by sandbox and terminal name. */
export class Scrollbacks {
  private readonly byKey = new Map<string, Scrollback>();

  constructor(private readonly limitBytes: number) {}

  for(sandboxId: string, terminal: string): Scrollback {
    const key = `${sandboxId}\0${terminal}`;
    let scrollback = this.byKey.get(key);
    if (!scrollback) {
      scrollback = new Scrollback(this.limitBytes);
      this.byKey.set(key, scrollback);
    }
    return scrollback;
  }

  drop(sandboxId: string): void {
    for (const key of this.byKey.keys()) if (key.startsWith(`${sandboxId}\0`)) this.byKey.delete(key);
  }

  /** Replaces the contents of `dir` with one file per terminal (`<sandbox>.<terminal>.bin`). */
  async save(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [key, scrollback] of this.byKey) {
      const [sandboxId, terminal] = key.split('\0') as [string, string];
      if (scrollback.byteLength > 0) await writeFile(path.join(dir, `${sandboxId}.${terminal}.bin`), scrollback.snapshot(), { mode: 0o600 });
    }
  }

  /** Loads what save() wrote, for the sandboxes in `keep` only. */
  async load(dir: string, keep: ReadonlySet<string>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.bin$/.exec(name);
      if (!match || !keep.has(match[1] as string)) continue;
      this.for(match[1] as string, match[2] as string).append(await readFile(path.join(dir, name)));
    }
  }
}
