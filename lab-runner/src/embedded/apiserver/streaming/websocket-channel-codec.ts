// The Kubernetes channel protocols over WebSocket: each message is one channel's bytes,
// prefixed by the channel number (a byte for the binary protocols, an ASCII digit followed by
// base64 for the base64 ones). v5 adds a close signal: the message [255, channel] means the
// client will send nothing more on that channel (stdin EOF).

export const CHANNEL_V5 = 'v5.channel.k8s.io';
export const CHANNEL_V4 = 'v4.channel.k8s.io';
export const CHANNEL_V4_BASE64 = 'v4.base64.channel.k8s.io';
export type ChannelProtocol = typeof CHANNEL_V5 | typeof CHANNEL_V4 | typeof CHANNEL_V4_BASE64;

/** Server preference, best first. */
export const CHANNEL_PROTOCOLS: readonly ChannelProtocol[] = [CHANNEL_V5, CHANNEL_V4, CHANNEL_V4_BASE64];

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;
export const CLOSE_SIGNAL = 255;

export type ChannelMessage =
  | { kind: 'data'; channel: number; payload: Buffer }
  | { kind: 'close'; channel: number };

export class ChannelCodecError extends Error {
  readonly code = 'WS_CHANNEL_PROTOCOL_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelCodecError';
  }
}

export function isBase64Protocol(protocol: ChannelProtocol): boolean {
  return protocol === CHANNEL_V4_BASE64;
}

/** One outgoing message: a Buffer for binary protocols, a string for base64 ones. */
export function encodeChannelMessage(protocol: ChannelProtocol, channel: number, payload: Buffer): Buffer | string {
  if (isBase64Protocol(protocol)) return String.fromCharCode(0x30 + channel) + payload.toString('base64');
  const message = Buffer.allocUnsafe(payload.length + 1);
  message[0] = channel;
  payload.copy(message, 1);
  return message;
}

/** Decodes one incoming message; null for an empty one (clients send those as keep-alives). */
export function decodeChannelMessage(protocol: ChannelProtocol, data: Buffer, isBinary: boolean): ChannelMessage | null {
  if (data.length === 0) return null;
  if (isBase64Protocol(protocol)) {
    if (isBinary) throw new ChannelCodecError('binary message on a base64 channel protocol');
    const channel = data[0]! - 0x30;
    if (channel < 0 || channel > 9) throw new ChannelCodecError(`invalid base64 channel prefix ${JSON.stringify(String.fromCharCode(data[0]!))}`);
    return { kind: 'data', channel, payload: Buffer.from(data.subarray(1).toString('latin1'), 'base64') };
  }
  if (!isBinary) throw new ChannelCodecError('text message on a binary channel protocol');
  const channel = data[0]!;
  if (channel === CLOSE_SIGNAL && protocol === CHANNEL_V5) {
    if (data.length !== 2) throw new ChannelCodecError('close signal must be [255, channel]');
    return { kind: 'close', channel: data[1]! };
  }
  return { kind: 'data', channel, payload: data.subarray(1) };
}
