import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { HeaderCompressor, HeaderDecompressor } from './spdy-header-compression.js';
import { encodeHeaderBlock } from './spdy-frames.js';

/** zlib's checksum of a preset dictionary (RFC 1950), which the FDICT header carries. */
function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

describe('SPDY/3 header compression', () => {
  test('the dictionary is the 1423-byte SPDY/3 one', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
    expect(SPDY3_DICTIONARY.subarray(-6).toString('latin1')).toBe('enq=0.');
  });

  test('the first block declares the dictionary in its zlib header; every block ends with a sync flush', async () => {
    const compressor = new HeaderCompressor();
    const first = await compressor.compress(new Map([['streamtype', ['error']]]));
    const second = await compressor.compress(new Map());
    compressor.close();
    expect(first[0]).toBe(0x78);
    expect(first[1]! & 0x20).toBe(0x20); // FDICT
    expect(first.readUInt32BE(2)).toBe(adler32(SPDY3_DICTIONARY));
    expect(first.subarray(-4)).toEqual(SYNC_FLUSH_TAIL);
    expect(second.subarray(-4)).toEqual(SYNC_FLUSH_TAIL);
    // The second block has no zlib header: it continues the first one's context.
    expect(second[0]).not.toBe(0x78);
  });

  test('one continuous context per direction: later blocks only decode after the earlier ones', async () => {
    const compressor = new HeaderCompressor();
    const blocks = [];
    for (const type of ['error', 'stdin', 'stdout', 'stderr']) blocks.push(await compressor.compress(new Map([['streamtype', [type]]])));
    compressor.close();
    const decompressor = new HeaderDecompressor();
    const decoded = [];
    for (const block of blocks) decoded.push((await decompressor.decompress(block)).get('streamtype'));
    decompressor.close();
    expect(decoded).toEqual([['error'], ['stdin'], ['stdout'], ['stderr']]);
    const fresh = new HeaderDecompressor();
    await expect(fresh.decompress(blocks[2]!)).rejects.toThrow(/zlib/);
    fresh.close();
  });

  test('decodes blocks of an independent zlib with the dictionary (as Go writes them)', async () => {
    const deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
    const written: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => written.push(chunk));
    const compress = async (block: Buffer) => {
      deflate.write(block);
      await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
      return Buffer.concat(written.splice(0));
    };
    const decompressor = new HeaderDecompressor();
    const a = await compress(encodeHeaderBlock(new Map([['streamtype', ['data']], ['port', ['8080']], ['requestid', ['0']]])));
    const b = await compress(encodeHeaderBlock(new Map([['streamtype', ['error']], ['port', ['8080']], ['requestid', ['1']]])));
    expect(await decompressor.decompress(a)).toEqual(new Map([['streamtype', ['data']], ['port', ['8080']], ['requestid', ['0']]]));
    expect((await decompressor.decompress(b)).get('requestid')).toEqual(['1']);
    decompressor.close();
    deflate.destroy();
  });

  test('a block that inflates beyond the limit is refused', async () => {
    const bomb = encodeHeaderBlock(new Map([['x', ['a'.repeat(300 << 10)]]]));
    const compressed = zlib.deflateSync(bomb, { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const decompressor = new HeaderDecompressor();
    await expect(decompressor.decompress(compressed)).rejects.toThrow(/beyond/);
    decompressor.close();
  });
});
