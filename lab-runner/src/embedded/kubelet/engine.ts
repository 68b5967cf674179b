// Small helpers over the engine's API: run a command in a container and collect its output,
// split the engine's multiplexed stdout/stderr stream, and read a container's state.

import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
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
  // A stream handed over paused (an upgraded connection) does not start flowing by itself.
  stream.resume();
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
  cgroupParent: string;
  memoryLimit: number;
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
      cgroupParent: info.HostConfig.CgroupParent ?? '',
      memoryLimit: info.HostConfig.Memory ?? 0,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * POSTs `path` with an empty body and returns the upgraded raw connection. dockerode's attach
 * cannot do this on Podman: it sends its options (or a chunked terminator) as the request
 * body, which Podman then delivers to the container's stdin.
 */
export async function upgradeRaw(docker: Dockerode, path: string): Promise<Socket> {
  const modem = docker.modem as unknown as { socketPath?: string; host?: string; port?: number | string };
  const socket = modem.socketPath ? connect(modem.socketPath) : connect(Number(modem.port ?? 2375), modem.host ?? '127.0.0.1');
  await new Promise<void>((resolveConnect, reject) => {
    socket.once('connect', resolveConnect);
    socket.once('error', reject);
  });
  socket.write(`POST ${path} HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`);
  return new Promise<Socket>((resolveUpgrade, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      const rest = head.subarray(end + 4);
      if (status !== 101 && status !== 200) {
        socket.destroy();
        const error = Object.assign(new Error(`engine refused ${path}: HTTP ${status} ${rest.toString('utf8').trim()}`), { statusCode: status });
        reject(error);
        return;
      }
      socket.pause();
      if (rest.length) socket.unshift(rest);
      resolveUpgrade(socket);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
