import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Scrollback, Scrollbacks } from './scrollback.js';

describe('Scrollback', () => {
  it('keeps everything below the limit', () => {
    const s = new Scrollback(1024);
    s.append(Buffer.from('a\r\n'));
    s.append(Buffer.from('b'));
    expect(s.snapshot().toString()).toBe('a\r\nb');
  });

  it('keeps only the last bytes, starting at a line boundary', () => {
    const s = new Scrollback(16);
    for (let i = 0; i < 100; i++) s.append(Buffer.from(`line ${i}\n`));
    expect(s.byteLength).toBe(16);
    expect(s.snapshot().toString()).toBe('line 99\n');
    s.append(Buffer.alloc(100, 0x41));
    expect(s.byteLength).toBe(16);
  });

  it('separates sandboxes and terminals and drops a sandbox', () => {
    const all = new Scrollbacks(64);
    all.for('a', 'main').append(Buffer.from('x'));
    expect(all.for('a', 'other').snapshot().length).toBe(0);
    all.drop('a');
    expect(all.for('a', 'main').snapshot().length).toBe(0);
  });
});

describe('Scrollbacks persistence', () => {
  it('saves and loads the terminals of the sandboxes that still exist', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kubelab-scrollback-'));
    try {
      const before = new Scrollbacks(64);
      before.for('sb-1', 'main').append(Buffer.from('one\r\n'));
      before.for('sb-1', 'second').append(Buffer.from('two\r\n'));
      before.for('sb-gone', 'main').append(Buffer.from('x'));
      await before.save(path.join(dir, 'sb'));
      const after = new Scrollbacks(64);
      await after.load(path.join(dir, 'sb'), new Set(['sb-1']));
      expect(after.for('sb-1', 'main').snapshot().toString()).toBe('one\r\n');
      expect(after.for('sb-1', 'second').snapshot().toString()).toBe('two\r\n');
      expect(after.for('sb-gone', 'main').byteLength).toBe(0);
      await after.load(path.join(dir, 'missing'), new Set(['sb-1']));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
