// The server side of one SPDY/3.1 connection, as Kubernetes' streaming endpoints use it: the
// client opens every stream (odd ids); we answer each SYN_STREAM with an empty SYN_REPLY, echo
// PINGs (and PING the client ourselves to find dead peers), honour RST_STREAM and GOAWAY.
// Each stream is a Node Duplex, so callers get back-pressure with pipe(): incoming DATA waits
// (the whole connection stops reading) while a stream's reader is full, and a stream's writes
// wait while the transport's buffer is full.
// Flow-control windows (WINDOW_UPDATE, SETTINGS) are ignored, as Kubernetes' spdystream does.

import { Duplex } from 'node:stream';
import { HEARTBEAT_INTERVAL_MS, Heartbeat } from './heartbeat.js';
import { HeaderCompressor, HeaderDecompressor } from './spdy-header-compression.js';
import {
  type FrameLimits,
  DEFAULT_FRAME_LIMITS,
  FLAG_FIN,
  GoAwayStatus,
  RstStatus,
  type SpdyFrame,
  SpdyFrameParser,
  type SpdyHeaders,
  SpdyProtocolError,
  encodeDataFrame,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
} from './spdy-frames.js';

/** Largest DATA payload we send; kubectl's own writes are 32 KiB. */
const MAX_OUTGOING_DATA = 32 << 10;
/** After our GOAWAY, how long the peer gets to close its side before we drop the transport. */
const CLOSE_GRACE_MS = 5_000;

export interface SpdyConnectionOptions {
  limits?: FrameLimits;
  /** How often we PING the client; a client silent for a whole interval is dropped. */
  heartbeatIntervalMs?: number;
}

export interface SpdyConnectionHandlers {
  /** A new client stream, already answered with SYN_REPLY. */
  onStream(stream: SpdyStream): void;
  /** The transport is gone (peer closed, error, or close()). Called once. */
  onClose(error?: Error): void;
}

export class SpdyStream extends Duplex {
  private incomingEnded = false;
  private outgoingEnded = false;
  private resumeReading: (() => void) | null = null;

  constructor(
    private readonly connection: SpdyConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: 64 << 10, writableHighWaterMark: 64 << 10 });
  }

  /** The first value of a request header (names are lower case). */
  header(name: string): string | undefined {
    return this.headers.get(name)?.[0];
  }

  /** Called by the connection: resolves when the reader wants more (or the stream is gone). */
  deliver(data: Buffer): Promise<void> | undefined {
    if (this.incomingEnded || this.destroyed) return undefined;
    if (data.length > 0 && !this.push(data)) {
      return new Promise((resolve) => {
        this.resumeReading = resolve;
      });
    }
    return undefined;
  }

  /** The peer sent FIN. */
  endIncoming(): void {
    if (this.incomingEnded) return;
    this.incomingEnded = true;
    this.push(null);
  }

  get incomingClosed(): boolean {
    return this.incomingEnded;
  }

  /** The peer reset the stream: drop it without answering. */
  resetByPeer(): void {
    this.incomingEnded = true;
    this.outgoingEnded = true;
    this.destroy();
  }

  override _read(): void {
    const resume = this.resumeReading;
    this.resumeReading = null;
    resume?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.outgoingEnded || !this.connection.writable) {
      callback(new Error(`SPDY stream ${this.id} is closed for writing`));
      return;
    }
    let flushed = true;
    for (let offset = 0; offset < chunk.length; offset += MAX_OUTGOING_DATA) {
      flushed = this.connection.sendFrame(encodeDataFrame(this.id, chunk.subarray(offset, offset + MAX_OUTGOING_DATA), false));
    }
    if (flushed) callback();
    else this.connection.whenWritable(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.outgoingEnded) {
      this.outgoingEnded = true;
      this.connection.sendFrame(encodeDataFrame(this.id, Buffer.alloc(0), true));
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const resume = this.resumeReading;
    this.resumeReading = null;
    resume?.();
    if (!this.outgoingEnded || !this.incomingEnded) {
      this.outgoingEnded = true;
      this.incomingEnded = true;
      this.connection.sendFrame(encodeRstStream(this.id, RstStatus.CANCEL));
    }
    this.connection.forget(this.id);
    callback(error);
  }
}

export class SpdyConnection {
  private readonly parser: SpdyFrameParser;
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly drainWaiters: ((error?: Error | null) => void)[] = [];
  private lastStreamId = 0;
  private goAwaySent = false;
  private processing = false;
  private waitingOnReader = false;
  private nextPingId = 2;
  private readonly heartbeat: Heartbeat;
  private closed = false;

  constructor(
    private readonly transport: Duplex,
    head: Buffer,
    private readonly handlers: SpdyConnectionHandlers,
    options: SpdyConnectionOptions = {},
  ) {
    this.parser = new SpdyFrameParser(options.limits ?? DEFAULT_FRAME_LIMITS);
    // Our PINGs use even ids (the client's are odd); spdystream echoes them.
    this.heartbeat = new Heartbeat(
      () => {
        this.sendFrame(encodePing(this.nextPingId));
        this.nextPingId = (this.nextPingId + 2) % 0x100000000;
      },
      () => this.destroy(new Error('the client stopped answering PINGs')),
      () => !this.waitingOnReader,
      options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    );
    this.parser.push(head);
    transport.on('drain', () => this.flushDrainWaiters());
    transport.on('error', () => {
      // 'close' follows and tears everything down; a listener must exist so it never throws.
    });
    transport.on('close', () => this.finish());
    transport.on('data', (chunk: Buffer) => {
      this.parser.push(chunk);
      void this.processFrames();
    });
    transport.on('end', () => this.onPeerEnd());
    void this.processFrames();
  }

  /** False once frames can no longer be sent. */
  get writable(): boolean {
    return !this.closed && !this.transport.writableEnded && !this.transport.destroyed;
  }

  /** Writes one frame; false means the transport's buffer is full (wait with whenWritable). */
  sendFrame(frame: Buffer): boolean {
    if (!this.writable) return true;
    return this.transport.write(frame);
  }

  /** Calls back once the transport drains (or at once with an error if it is gone). */
  whenWritable(callback: (error?: Error | null) => void): void {
    if (this.closed) {
      callback(new Error('SPDY connection closed'));
      return;
    }
    this.drainWaiters.push(callback);
  }

  forget(streamId: number): void {
    this.streams.delete(streamId);
  }

  /** Graceful end: GOAWAY, then half-close; the transport is dropped if the peer lingers. */
  goAway(status: number = GoAwayStatus.OK): void {
    if (this.closed || this.goAwaySent) return;
    this.goAwaySent = true;
    this.sendFrame(encodeGoAway(this.lastStreamId, status));
    this.transport.end();
    setTimeout(() => this.transport.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Immediate end: every stream is destroyed and the transport dropped. */
  destroy(error?: Error): void {
    this.transport.destroy();
    this.finish(error);
  }

  /**
   * Handles every complete frame, one at a time (header blocks decode asynchronously and the
   * zlib context needs them in order). The transport is paused meanwhile, so a stream whose
   * reader is full holds back the whole connection instead of buffering without bound.
   */
  private async processFrames(): Promise<void> {
    if (this.processing || this.closed) return;
    this.processing = true;
    this.transport.pause();
    try {
      for (let frame = this.parser.next(); frame && !this.closed; frame = this.parser.next()) {
        this.heartbeat.answer();
        await this.handle(frame);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    } finally {
      this.processing = false;
    }
    if (!this.closed) this.transport.resume();
  }

  /**
   * The peer closed its side. Clients never half-close a SPDY connection (they GOAWAY and
   * close), so this is the client going away: everything ends, as with spdystream.
   */
  private onPeerEnd(): void {
    for (const stream of this.streams.values()) stream.endIncoming();
    this.destroy();
  }

  private fail(error: Error): void {
    if (this.closed) return;
    if (error instanceof SpdyProtocolError) {
      // Tell the peer why, let the GOAWAY drain, then drop the transport.
      this.sendFrame(encodeGoAway(this.lastStreamId, GoAwayStatus.PROTOCOL_ERROR));
      this.transport.end();
      setTimeout(() => this.transport.destroy(), CLOSE_GRACE_MS).unref();
      this.finish(error);
    } else {
      this.destroy(error);
    }
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    switch (frame.type) {
      case 'syn_stream': {
        // Decode even when refusing: the zlib context must see every header block.
        const headers = await this.decompressor.decompress(frame.headerBlock);
        if (frame.streamId === 0 || frame.streamId % 2 === 0 || frame.streamId <= this.lastStreamId) {
          throw new SpdyProtocolError(`invalid client stream id ${frame.streamId} (last was ${this.lastStreamId})`);
        }
        this.lastStreamId = frame.streamId;
        if (this.goAwaySent) {
          this.sendFrame(encodeRstStream(frame.streamId, RstStatus.REFUSED_STREAM));
          return;
        }
        const reply = await this.compressor.compress(new Map());
        if (this.closed) return;
        this.sendFrame(encodeSynReply(frame.streamId, reply));
        const stream = new SpdyStream(this, frame.streamId, headers);
        stream.on('error', () => {
          // Stream errors surface to whoever pipes it; never let one crash the process.
        });
        this.streams.set(frame.streamId, stream);
        if (frame.flags & FLAG_FIN) stream.endIncoming();
        this.handlers.onStream(stream);
        return;
      }
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        if (!stream) {
          if (frame.streamId > this.lastStreamId) throw new SpdyProtocolError(`DATA on unopened stream ${frame.streamId}`);
          // Late data for a stream we already dropped: tell the peer, keep the connection.
          this.sendFrame(encodeRstStream(frame.streamId, RstStatus.INVALID_STREAM));
          return;
        }
        if (stream.incomingClosed) {
          this.sendFrame(encodeRstStream(frame.streamId, RstStatus.STREAM_ALREADY_CLOSED));
          stream.destroy();
          return;
        }
        const wait = stream.deliver(frame.data);
        if (frame.flags & FLAG_FIN) stream.endIncoming();
        if (wait) {
          this.waitingOnReader = true;
          await wait;
          this.waitingOnReader = false;
        }
        return;
      }
      case 'rst_stream':
        this.streams.get(frame.streamId)?.resetByPeer();
        return;
      case 'ping':
        // Odd ids are the client's, to echo; even ids answer our heartbeat (counted above).
        if (frame.id % 2 === 1) this.sendFrame(encodePing(frame.id));
        return;
      case 'goaway':
        // The client opens no more streams; those open finish normally.
        if (this.streams.size === 0) this.goAway();
        return;
      case 'headers':
        await this.decompressor.decompress(frame.headerBlock);
        return;
      case 'syn_reply':
        await this.decompressor.decompress(frame.headerBlock);
        throw new SpdyProtocolError(`SYN_REPLY for stream ${frame.streamId}, which the server never opened`);
      case 'settings':
      case 'window_update':
      case 'unknown_control':
        return;
    }
  }

  private flushDrainWaiters(error?: Error): void {
    const waiters = this.drainWaiters.splice(0);
    for (const waiter of waiters) waiter(error);
  }

  private finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat.stop();
    this.flushDrainWaiters(new Error('SPDY connection closed'));
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    this.handlers.onClose(error);
  }
}
