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
