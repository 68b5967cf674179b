// exec and attach over SPDY (remotecommand protocol v4/v5 as a kubelet serves it). The client
// opens one stream per channel, each tagged with a `streamtype` header: error, stdin, stdout,
// stderr, resize. Once every expected stream exists the session starts; at the end stdout and
// stderr get FIN, then the Status JSON goes on the error stream with FIN, then GOAWAY.

import type { Duplex } from 'node:stream';
import type { StreamOptions, StreamSession } from '../../node-contract.js';
import { type RemoteCommandTarget, ResizeRelay, pumpSession } from './session-pump.js';
import { SpdyConnection, type SpdyStream } from './spdy-connection.js';
import { type Status, statusForError } from './stream-status.js';
import { ResizeLineDecoder } from './terminal-size.js';

/** A kubelet gives the client this long to open all its streams. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** Server preference: v4 (as a kubelet); v5 only adds a WebSocket close signal, so it is the same over SPDY. */
export const REMOTE_COMMAND_SPDY_PROTOCOLS: readonly string[] = ['v4.channel.k8s.io', 'v5.channel.k8s.io'];

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

function expectedStreams(options: StreamOptions): StreamType[] {
  const types: StreamType[] = ['error'];
  if (options.stdin) types.push('stdin');
  if (options.stdout) types.push('stdout');
  // With a TTY stderr is merged into stdout and a resize stream takes its place.
  if (options.stderr && !options.tty) types.push('stderr');
  if (options.tty) types.push('resize');
  return types;
}

export function serveRemoteCommandOverSpdy(transport: Duplex, head: Buffer, target: RemoteCommandTarget): void {
  const expected = expectedStreams(target.options);
  const streams = new Map<StreamType, SpdyStream>();
  const resize = new ResizeRelay();
  let session: StreamSession | null = null;
  let started = false;
  let closed = false;

  const timer = setTimeout(() => {
    if (!started) connection.destroy(new Error('timed out waiting for the client to create streams'));
  }, STREAM_CREATION_TIMEOUT_MS);
  timer.unref();

  const finish = (status: Status): void => {
    const errorStream = streams.get('error');
    if (!errorStream || closed) return;
    errorStream.end(JSON.stringify(status), () => connection.goAway());
  };

  const begin = async (): Promise<void> => {
    started = true;
    clearTimeout(timer);
    try {
      session = await target.start();
    } catch (error) {
      finish(statusForError(error));
      return;
    }
    if (closed) {
      session.close();
      return;
    }
    resize.attach(session);
    const status = await pumpSession(target.kind, session, {
      stdin: streams.get('stdin') ?? null,
      stdout: streams.get('stdout') ?? null,
      stderr: streams.get('stderr') ?? null,
    });
    finish(status);
  };

  const onStream = (stream: SpdyStream): void => {
    const type = stream.header('streamtype') as StreamType | undefined;
    if (!type || !expected.includes(type) || streams.has(type) || started) {
      // Not part of this session (a kubelet logs and ignores these): drain it.
      stream.resume();
      return;
    }
    streams.set(type, stream);
    if (type === 'resize') {
      const decoder = new ResizeLineDecoder();
      stream.on('data', (chunk: Buffer) => decoder.push(chunk).forEach((size) => resize.resize(size)));
      stream.on('end', () => decoder.end().forEach((size) => resize.resize(size)));
    } else if (type === 'error') {
      stream.resume(); // the client never writes here
    }
    if (expected.every((t) => streams.has(t))) {
      begin().catch((error: unknown) => connection.destroy(error instanceof Error ? error : new Error(String(error))));
    }
  };

  const connection = new SpdyConnection(transport, head, {
    onStream,
    onClose: () => {
      closed = true;
      clearTimeout(timer);
      session?.close();
    },
  });
}
