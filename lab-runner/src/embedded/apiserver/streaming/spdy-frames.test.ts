import { describe, expect, test } from 'vitest';
import {
  FLAG_FIN,
  GoAwayStatus,
  RstStatus,
  SpdyFrameParser,
  SpdyProtocolError,
  decodeHeaderBlock,
  encodeDataFrame,
  encodeGoAway,
  encodeHeaderBlock,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
} from './spdy-frames.js';

function parseAll(bytes: Buffer, chunkSize = bytes.length) {
  const parser = new SpdyFrameParser();
  const frames = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    parser.push(bytes.subarray(offset, offset + chunkSize));
    for (let frame = parser.next(); frame; frame = parser.next()) frames.push(frame);
  }
  return frames;
}

describe('SPDY/3.1 frames', () => {
  test('a control frame has the control bit, version 3, type, flags and a 24-bit length', () => {
    const frame = encodePing(7);
    expect([...frame.subarray(0, 8)]).toEqual([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04]);
    expect(frame.readUInt32BE(8)).toBe(7);
  });

  test('a data frame has the stream id with the control bit clear, FIN flag and length', () => {
    const frame = encodeDataFrame(5, Buffer.from('abc'), true);
    expect([...frame]).toEqual([0, 0, 0, 5, FLAG_FIN, 0, 0, 3, 0x61, 0x62, 0x63]);
  });

  test('every frame type round-trips, even when bytes arrive one at a time', () => {
    const block = Buffer.from([1, 2, 3]);
    const bytes = Buffer.concat([
      encodeSynStream(1, block, FLAG_FIN, 0, 3),
      encodeSynReply(1, block),
      encodeDataFrame(3, Buffer.alloc(3000, 7), false),
      encodeRstStream(3, RstStatus.CANCEL),
      encodeSettings([{ id: 7, flags: 1, value: 65536 }]),
      encodePing(9),
      encodeGoAway(11, GoAwayStatus.OK),
      encodeWindowUpdate(3, 4096),
    ]);
    const expected = [
      { type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 3, flags: FLAG_FIN, headerBlock: block },
      { type: 'syn_reply', streamId: 1, flags: 0, headerBlock: block },
      { type: 'data', streamId: 3, flags: 0, data: Buffer.alloc(3000, 7) },
      { type: 'rst_stream', streamId: 3, status: RstStatus.CANCEL },
      { type: 'settings', flags: 0, entries: [{ id: 7, flags: 1, value: 65536 }] },
      { type: 'ping', id: 9 },
      { type: 'goaway', lastGoodStreamId: 11, status: GoAwayStatus.OK },
      { type: 'window_update', streamId: 3, delta: 4096 },
    ];
    expect(parseAll(bytes)).toEqual(expected);
    expect(parseAll(bytes, 1)).toEqual(expected);
  });

  test('an unknown control frame is skipped over, not fatal', () => {
    const unknown = Buffer.from([0x80, 0x03, 0x00, 0x63, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb]);
    const frames = parseAll(Buffer.concat([unknown, encodePing(1)]));
    expect(frames.map((frame) => frame.type)).toEqual(['unknown_control', 'ping']);
  });

  test('frames above the limits and other SPDY versions are protocol errors', () => {
    const parser = new SpdyFrameParser({ maxDataBytes: 16, maxControlBytes: 16 });
    parser.push(encodeDataFrame(1, Buffer.alloc(17), false).subarray(0, 8));
    expect(() => parser.next()).toThrow(SpdyProtocolError);
    const v2 = encodePing(1);
    v2.writeUInt16BE(0x8002, 0);
    const other = new SpdyFrameParser();
    other.push(v2);
    expect(() => other.next()).toThrow(/unsupported SPDY version 2/);
  });

  test('a header block carries lower-case names and NUL-joined repeated values', () => {
    const block = encodeHeaderBlock(new Map([['StreamType', ['stdout']], ['x', ['a', 'b']]]));
    expect(block.readUInt32BE(0)).toBe(2);
    expect(decodeHeaderBlock(block)).toEqual(new Map([['streamtype', ['stdout']], ['x', ['a', 'b']]]));
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow(/truncated/);
    expect(() => decodeHeaderBlock(Buffer.concat([block, Buffer.from([0])]))).toThrow(/trailing/);
  });
});
