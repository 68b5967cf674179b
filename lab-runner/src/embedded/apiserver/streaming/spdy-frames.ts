// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 as amended by SPDY/3.1): the binary frame
// layout only. Header blocks travel here still compressed; spdy-header-compression.ts owns
// the zlib contexts. Every frame starts with 8 bytes:
//   control: 1 | version(15) | type(16) | flags(8) | length(24)
//   data:    0 | stream id(31)           | flags(8) | length(24)

export const SPDY_VERSION = 3;

export const ControlType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedStreamId: number; priority: number; flags: number; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { id: number; flags: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  /** Unknown control frames must be ignored (spec 2.2.1); kept so the caller can log them. */
  | { type: 'unknown_control'; controlType: number; version: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {
  readonly code = 'SPDY_PROTOCOL_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const HEADER_BYTES = 8;
const STREAM_ID_MASK = 0x7fffffff;

export interface FrameLimits {
  /** Largest DATA payload accepted (kubectl writes at most 32 KiB per frame). */
  maxDataBytes: number;
  /** Largest control-frame payload accepted (compressed header blocks are tiny). */
  maxControlBytes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxDataBytes: 1 << 20, maxControlBytes: 64 << 10 };

/** Splits a byte stream into frames. Frames larger than the limits are a protocol error. */
export class SpdyFrameParser {
  // Chunks are kept as they arrive and joined once per frame, so a frame that trickles in
  // many small reads costs linear, not quadratic, copying.
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly limits: FrameLimits = DEFAULT_FRAME_LIMITS) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The first chunk, joined with the following ones until it holds at least `bytes`. */
  private front(bytes: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length < bytes) {
      first = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    return first;
  }

  /** The next complete frame, or null when more bytes are needed. Throws SpdyProtocolError. */
  next(): SpdyFrame | null {
    if (this.buffered < HEADER_BYTES) return null;
    let buffer = this.front(HEADER_BYTES);
    const isControl = (buffer[0]! & 0x80) !== 0;
    const flags = buffer[4]!;
    const length = buffer.readUIntBE(5, 3);
    const limit = isControl ? this.limits.maxControlBytes : this.limits.maxDataBytes;
    if (length > limit) {
      throw new SpdyProtocolError(`${isControl ? 'control' : 'data'} frame of ${length} bytes exceeds the limit of ${limit}`);
    }
    if (this.buffered < HEADER_BYTES + length) return null;
    buffer = this.front(HEADER_BYTES + length);
    const first = buffer.readUInt32BE(0);
    const payload = buffer.subarray(HEADER_BYTES, HEADER_BYTES + length);
    const rest = buffer.subarray(HEADER_BYTES + length);
    if (rest.length > 0) this.chunks[0] = rest;
    else this.chunks.shift();
    this.buffered -= HEADER_BYTES + length;
    if (!isControl) {
      // Copy: the payload outlives the parser's buffer and is handed to consumers.
      return { type: 'data', streamId: first & STREAM_ID_MASK, flags, data: Buffer.from(payload) };
    }
    const version = (first >>> 16) & 0x7fff;
    const controlType = first & 0xffff;
    if (version !== SPDY_VERSION) {
      throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    }
    return decodeControl(controlType, flags, payload);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`);
}

function decodeControl(controlType: number, flags: number, payload: Buffer): SpdyFrame {
  switch (controlType) {
    case ControlType.SYN_STREAM:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        associatedStreamId: payload.readUInt32BE(4) & STREAM_ID_MASK,
        priority: payload[8]! >>> 5,
        flags,
        headerBlock: Buffer.from(payload.subarray(10)),
      };
    case ControlType.SYN_REPLY:
      need(payload, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: payload.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: Buffer.from(payload.subarray(4)) };
    case ControlType.RST_STREAM:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: payload.readUInt32BE(0) & STREAM_ID_MASK, status: payload.readUInt32BE(4) };
    case ControlType.SETTINGS: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const offset = 4 + i * 8;
        entries.push({ flags: payload[offset]!, id: payload.readUIntBE(offset + 1, 3), value: payload.readUInt32BE(offset + 4) });
      }
      return { type: 'settings', flags, entries };
    }
    case ControlType.PING:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case ControlType.GOAWAY:
      need(payload, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & STREAM_ID_MASK, status: payload.readUInt32BE(4) };
    case ControlType.HEADERS:
      need(payload, 4, 'HEADERS');
      return { type: 'headers', streamId: payload.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: Buffer.from(payload.subarray(4)) };
    case ControlType.WINDOW_UPDATE:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: payload.readUInt32BE(0) & STREAM_ID_MASK, delta: payload.readUInt32BE(4) & STREAM_ID_MASK };
    default:
      return { type: 'unknown_control', controlType, version: SPDY_VERSION, flags, payload: Buffer.from(payload) };
  }
}

function controlFrame(controlType: number, flags: number, payload: Buffer): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  frame.writeUInt16BE(controlType, 2);
  frame[4] = flags;
  frame.writeUIntBE(payload.length, 5, 3);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

function u32(...values: number[]): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => buffer.writeUInt32BE(value >>> 0, i * 4));
  return buffer;
}

export function encodeDataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const frame = Buffer.alloc(HEADER_BYTES + data.length);
  frame.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  frame[4] = fin ? FLAG_FIN : 0;
  frame.writeUIntBE(data.length, 5, 3);
  data.copy(frame, HEADER_BYTES);
  return frame;
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, flags = 0, associatedStreamId = 0, priority = 0): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  fixed.writeUInt32BE(associatedStreamId & STREAM_ID_MASK, 4);
  fixed[8] = (priority & 0x7) << 5;
  return controlFrame(ControlType.SYN_STREAM, flags, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  return controlFrame(ControlType.SYN_REPLY, flags, Buffer.concat([u32(streamId & STREAM_ID_MASK), headerBlock]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return controlFrame(ControlType.RST_STREAM, 0, u32(streamId & STREAM_ID_MASK, status));
}

export function encodePing(id: number): Buffer {
  return controlFrame(ControlType.PING, 0, u32(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return controlFrame(ControlType.GOAWAY, 0, u32(lastGoodStreamId & STREAM_ID_MASK, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return controlFrame(ControlType.WINDOW_UPDATE, 0, u32(streamId & STREAM_ID_MASK, delta & STREAM_ID_MASK));
}

export function encodeSettings(entries: { id: number; flags: number; value: number }[], flags = 0): Buffer {
  const payload = Buffer.alloc(4 + entries.length * 8);
  payload.writeUInt32BE(entries.length, 0);
  entries.forEach((entry, i) => {
    payload[4 + i * 8] = entry.flags;
    payload.writeUIntBE(entry.id, 5 + i * 8, 3);
    payload.writeUInt32BE(entry.value >>> 0, 8 + i * 8);
  });
  return controlFrame(ControlType.SETTINGS, flags, payload);
}

/** Header names and their values, as carried in one uncompressed SPDY/3 header block. */
export type SpdyHeaders = Map<string, string[]>;

/** Uncompressed header block: count, then (name length, name, value length, value) pairs; NUL joins repeated values. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, values] of headers) {
    const nameBytes = Buffer.from(name.toLowerCase(), 'utf8');
    const valueBytes = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(nameBytes.length), nameBytes, u32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

/** Parses one complete uncompressed header block; it must span `block` exactly. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let offset = 0;
  const readLength = (what: string): number => {
    if (offset + 4 > block.length) throw new SpdyProtocolError(`header block truncated reading ${what}`);
    const value = block.readUInt32BE(offset);
    offset += 4;
    return value;
  };
  const readString = (what: string): string => {
    const length = readLength(`${what} length`);
    if (offset + length > block.length) throw new SpdyProtocolError(`header block truncated reading ${what}`);
    const value = block.toString('utf8', offset, offset + length);
    offset += length;
    return value;
  };
  const count = readLength('header count');
  for (let i = 0; i < count; i++) {
    const name = readString('header name');
    if (name.length === 0) throw new SpdyProtocolError('empty header name');
    const value = readString('header value');
    const existing = headers.get(name) ?? [];
    existing.push(...value.split('\0'));
    headers.set(name, existing);
  }
  if (offset !== block.length) throw new SpdyProtocolError(`header block has ${block.length - offset} trailing bytes`);
  return headers;
}
