// SPDY/3 header blocks are zlib-compressed against SPDY3_DICTIONARY with ONE zlib context per
// direction for the whole connection. Each block must end with a sync flush (00 00 ff ff):
// Go's flate reader otherwise reads past the frame and kubectl hangs after its second stream.
//
// Node offers no synchronous zlib with a persistent context, so both directions are async.
// Calls must be serialised by the caller (the connection's frame loop does that), because
// the output of one call is everything the context produced since the previous one.

import { setImmediate as nextMacrotask } from 'node:timers/promises';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { type SpdyHeaders, SpdyProtocolError, decodeHeaderBlock, encodeHeaderBlock } from './spdy-frames.js';

/** A decompressed header block larger than this is a protocol error (zip-bomb guard). */
const MAX_HEADER_BLOCK_BYTES = 256 << 10;

class ZlibContext {
  private output: Buffer[] = [];
  private outputBytes = 0;
  private failure: Error | null = null;
  private busy = false;

  constructor(private readonly engine: zlib.Deflate | zlib.Inflate) {
    engine.on('data', (chunk: Buffer) => {
      this.outputBytes += chunk.length;
      if (this.outputBytes > MAX_HEADER_BLOCK_BYTES) {
        this.failure = new SpdyProtocolError(`header block inflates beyond ${MAX_HEADER_BLOCK_BYTES} bytes`);
        engine.destroy();
        return;
      }
      this.output.push(chunk);
    });
    engine.on('error', (error) => {
      this.failure ??= new SpdyProtocolError(`header block zlib error: ${error.message}`);
    });
  }

  /** Feeds `input` and returns every byte the context produced for it, sync-flushed. */
  async process(input: Buffer): Promise<Buffer> {
    if (this.busy) throw new Error('zlib context used concurrently');
    if (this.failure) throw this.failure;
    this.busy = true;
    let onClose: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onClose = () => reject(this.failure ?? new SpdyProtocolError('header zlib context closed'));
        this.engine.once('close', onClose);
        this.engine.write(input, (error) => (error ? reject(error) : undefined));
        this.engine.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve());
      });
      // 'data' for the flushed bytes may be emitted on a later tick than the write callback.
      await nextMacrotask();
      if (this.failure) throw this.failure;
      const result = Buffer.concat(this.output);
      this.output = [];
      this.outputBytes = 0;
      return result;
    } catch (error) {
      throw error instanceof SpdyProtocolError ? error : new SpdyProtocolError(`header block zlib error: ${(error as Error).message}`);
    } finally {
      this.busy = false;
      if (onClose) this.engine.off('close', onClose);
    }
  }

  close(): void {
    this.engine.destroy();
  }
}

/** Compresses outgoing header blocks (this side's context). */
export class HeaderCompressor {
  private readonly context = new ZlibContext(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.context.process(encodeHeaderBlock(headers));
  }

  close(): void {
    this.context.close();
  }
}

/** Decompresses incoming header blocks (the peer's context). */
export class HeaderDecompressor {
  private readonly context = new ZlibContext(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));

  async decompress(compressed: Buffer): Promise<SpdyHeaders> {
    const block = await this.context.process(compressed);
    if (block.length === 0) throw new SpdyProtocolError('header block did not decompress to any bytes');
    return decodeHeaderBlock(block);
  }

  close(): void {
    this.context.close();
  }
}
