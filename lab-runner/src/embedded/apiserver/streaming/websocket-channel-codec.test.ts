import { describe, expect, test } from 'vitest';
import {
  CHANNEL_V4,
  CHANNEL_V4_BASE64,
  CHANNEL_V5,
  ChannelCodecError,
  decodeChannelMessage,
  encodeChannelMessage,
} from './websocket-channel-codec.js';
import { ResizeLineDecoder, parseResizeMessage } from './terminal-size.js';

describe('WebSocket channel codec', () => {
  test('binary protocols prefix the channel byte', () => {
    expect(encodeChannelMessage(CHANNEL_V5, 1, Buffer.from('out'))).toEqual(Buffer.from([1, 0x6f, 0x75, 0x74]));
    expect(decodeChannelMessage(CHANNEL_V4, Buffer.from([0, 0x68, 0x69]), true)).toEqual({ kind: 'data', channel: 0, payload: Buffer.from('hi') });
  });

  test('v5 understands the close signal [255, channel]; v4 does not', () => {
    expect(decodeChannelMessage(CHANNEL_V5, Buffer.from([255, 0]), true)).toEqual({ kind: 'close', channel: 0 });
    expect(decodeChannelMessage(CHANNEL_V4, Buffer.from([255, 0]), true)).toEqual({ kind: 'data', channel: 255, payload: Buffer.from([0]) });
    expect(() => decodeChannelMessage(CHANNEL_V5, Buffer.from([255, 0, 1]), true)).toThrow(ChannelCodecError);
  });

  test('base64 protocols carry an ASCII channel digit and base64 text', () => {
    expect(encodeChannelMessage(CHANNEL_V4_BASE64, 2, Buffer.from('err'))).toBe('2ZXJy');
    expect(decodeChannelMessage(CHANNEL_V4_BASE64, Buffer.from('0aGk='), false)).toEqual({ kind: 'data', channel: 0, payload: Buffer.from('hi') });
    expect(() => decodeChannelMessage(CHANNEL_V4_BASE64, Buffer.from('xaGk='), false)).toThrow(/channel prefix/);
  });

  test('empty messages are ignored; a frame of the wrong kind is an error', () => {
    expect(decodeChannelMessage(CHANNEL_V5, Buffer.alloc(0), true)).toBeNull();
    expect(() => decodeChannelMessage(CHANNEL_V5, Buffer.from('0abc'), false)).toThrow(/text message/);
    expect(() => decodeChannelMessage(CHANNEL_V4_BASE64, Buffer.from([0, 1]), true)).toThrow(/binary message/);
  });
});

describe('resize messages', () => {
  test('parses kubectl JSON and rejects anything else', () => {
    expect(parseResizeMessage('{"Width":80,"Height":24}\n')).toEqual({ width: 80, height: 24 });
    expect(parseResizeMessage('{"Width":-1,"Height":24}')).toBeNull();
    expect(parseResizeMessage('{"Width":"80","Height":24}')).toBeNull();
    expect(parseResizeMessage('not json')).toBeNull();
  });

  test('splits a stream of newline-separated messages across chunk boundaries', () => {
    const decoder = new ResizeLineDecoder();
    expect(decoder.push(Buffer.from('{"Width":80,"Hei'))).toEqual([]);
    expect(decoder.push(Buffer.from('ght":24}\n{"Width":120,"Height":40}\n{"Width":1'))).toEqual([
      { width: 80, height: 24 },
      { width: 120, height: 40 },
    ]);
    expect(decoder.push(Buffer.from('0,"Height":5}'))).toEqual([]);
    expect(decoder.end()).toEqual([{ width: 10, height: 5 }]);
  });
});
