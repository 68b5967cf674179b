// Connects a started StreamSession to the client's channels, whatever the protocol: stdin
// from the client into the process, the process's stdout/stderr out to the client. Node's
// pipe() gives back-pressure both ways: a full client connection pauses the process's
// output, a full process stdin pauses the client connection.

import type { Readable, Writable } from 'node:stream';
import type { StreamOptions, StreamSession, TerminalSize } from '../../node-contract.js';
import { type Status, type StreamKind, statusForResult } from './stream-status.js';

/** An exec or attach, whatever protocol serves it. */
export interface RemoteCommandTarget {
  kind: StreamKind;
  options: StreamOptions;
  start: () => Promise<StreamSession>;
}

/**
 * After the process ends its output keeps flowing to the client for as long as it makes
 * progress; output that stays stalled this long (a background child holding the pipe open,
 * or a client that stopped reading) is cut off so the Status can be sent.
 */
const OUTPUT_STALL_MS = 5_000;

export interface ClientChannels {
  stdin: Readable | null;
  stdout: Writable | null;
  stderr: Writable | null;
}

const ignore = () => {};

/** Resolves when `sink` has flushed everything piped into it, or is gone. */
function pipeOutput(source: Readable | null, sink: Writable | null): Promise<void> {
  if (!sink) {
    source?.resume();
    return Promise.resolve();
  }
  if (!source) {
    sink.end();
    return new Promise((resolve) => sink.once('finish', resolve).once('close', resolve));
  }
  source.on('error', ignore);
  return new Promise((resolve) => {
    sink.once('finish', resolve);
    sink.once('close', () => {
      // The channel is gone before the output ended: close the pipe, as a dropped reader would.
      if (!sink.writableFinished) {
        source.unpipe(sink);
        source.destroy();
      }
      resolve();
    });
    source.pipe(sink);
  });
}

/** True once `outputs` settle; false if a whole OUTPUT_STALL_MS passes with no byte moved. */
async function drainedWhileProgressing(outputs: Promise<unknown>, moved: () => number): Promise<boolean> {
  const done = outputs.then(() => true);
  for (;;) {
    const before = moved();
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([done, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), OUTPUT_STALL_MS)))]);
    clearTimeout(timer);
    if (settled) return true;
    if (moved() === before) return false;
  }
}

/**
 * Runs the session to its end and returns the Status to report. The caller closes the
 * session if the client goes away first (which settles `session.result`).
 */
export async function pumpSession(kind: StreamKind, session: StreamSession, channels: ClientChannels): Promise<Status> {
  if (channels.stdin) {
    if (session.stdin) {
      session.stdin.on('error', ignore); // EPIPE once the process has exited
      channels.stdin.pipe(session.stdin);
    } else {
      channels.stdin.resume();
    }
  }
  const outputs = Promise.all([pipeOutput(session.stdout, channels.stdout), pipeOutput(session.stderr, channels.stderr)]);
  // Counted only now that the pipes are attached, so no chunk is emitted before they are.
  let moved = 0;
  for (const source of [session.stdout, session.stderr]) source?.on('data', (chunk: Buffer) => (moved += chunk.length));
  const result = await session.result;
  if (!(await drainedWhileProgressing(outputs, () => moved))) {
    for (const [source, sink] of [[session.stdout, channels.stdout], [session.stderr, channels.stderr]] as const) {
      if (source && sink) source.unpipe(sink);
      sink?.end();
    }
  }
  return statusForResult(kind, result);
}

/** Applies resizes to the session once it exists; the latest size seen before that is kept. */
export class ResizeRelay {
  private session: StreamSession | null = null;
  private pending: TerminalSize | null = null;

  resize(size: TerminalSize): void {
    if (this.session) this.applyTo(this.session, size);
    else this.pending = size;
  }

  attach(session: StreamSession): void {
    this.session = session;
    if (this.pending) this.applyTo(session, this.pending);
    this.pending = null;
  }

  private applyTo(session: StreamSession, size: TerminalSize): void {
    try {
      session.resize(size);
    } catch {
      // A resize racing the end of the process is harmless.
    }
  }
}
