// Small helpers over the engine's API: run a command in a container and collect its output,
// split the engine's multiplexed stdout/stderr stream, and read a container's state.

import { PassThrough, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';

export interface ExecResult { exitCode: number; output: string; timedOut: boolean }

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** Splits a multiplexed (non-TTY) engine stream into stdout and stderr. */
export function demux(docker: Dockerode, stream: NodeJS.ReadableStream): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  const finish = () => {
    stdout.end();
    stderr.end();
  };
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  return { stdout, stderr };
}

/** Decodes a whole multiplexed buffer (as the engine returns for non-follow logs). */
export function demuxBuffer(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if ((kind !== 1 && kind !== 2 && kind !== 0) || buffer[offset + 1] !== 0) return buffer;
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === buffer.length ? Buffer.concat(parts) : buffer;
}

export async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
  return text;
}

/** Runs `cmd` in the container, up to `timeoutMs`; stdout and stderr are collected together. */
export async function execCollect(docker: Dockerode, containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({});
  const { stdout, stderr } = demux(docker, stream);
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 10_240) output += chunk.toString('utf8');
  };
  stdout.on('data', collect);
  stderr.on('data', collect);
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<boolean>((resolve) => {
    stream.on('end', () => resolve(false));
    stream.on('close', () => resolve(false));
    stream.on('error', () => resolve(false));
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const timedOut = await finished;
  clearTimeout(timer);
  if (timedOut) {
    (stream as unknown as { destroy(): void }).destroy();
    return { exitCode: -1, output, timedOut: true };
  }
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output, timedOut: false };
}

export interface ObservedContainer {
  id: string;
  running: boolean;
  /** true once the engine has started it at least once */
  everStarted: boolean;
  exitCode: number;
  oomKilled: boolean;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  error: string;
  imageId: string;
  labels: Record<string, string>;
}

function time(value: string | undefined): string | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function observe(docker: Dockerode, id: string): Promise<ObservedContainer | undefined> {
  try {
    const info = await docker.getContainer(id).inspect();
    return {
      id: info.Id,
      running: info.State.Running,
      everStarted: time(info.State.StartedAt) !== undefined,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: time(info.State.StartedAt),
      finishedAt: time(info.State.FinishedAt),
      error: info.State.Error ?? '',
      imageId: info.Image,
      labels: info.Config.Labels ?? {},
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
