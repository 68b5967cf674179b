// The node's streaming subresources: logs, exec, attach and port-forward, served from the
// engine (port-forward through the Pod's own network namespace, via its infra container).

import { Duplex, PassThrough, Readable, Transform, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { POD_NETNS_BUSYBOX } from '../../images/index.js';
import type { Pod } from '../k8s-types.js';
import type { LogOptions, StreamOptions, StreamSession, TerminalSize } from '../node-contract.js';
import { badRequest, StatusError } from '../status-error.js';
import { demux, demuxBuffer, observe, upgradeRaw } from './engine.js';
import type { ContainerRecord } from './container-record.js';
import type { PodWorker } from './pod-worker.js';

export type WorkerLookup = (pod: Pod) => PodWorker | undefined;

function containerNames(pod: Pod): string[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...((pod.spec.ephemeralContainers ?? []) as { name: string }[])].map((c) => c.name);
}

function resolve(lookup: WorkerLookup, pod: Pod, container: string): { worker: PodWorker | undefined; record: ContainerRecord | undefined } {
  const name = pod.metadata.name ?? '';
  if (!containerNames(pod).includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const worker = lookup(pod);
  return { worker, record: worker?.record(container) };
}

function waitingError(pod: Pod, container: string, record: ContainerRecord | undefined, initialized: boolean): StatusError {
  const reason = record?.waiting?.reason ?? ((pod.spec.initContainers ?? []).length && !initialized ? 'PodInitializing' : 'ContainerCreating');
  return badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
}

/** Cuts a stream after `limit` bytes. */
function limitBytes(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (seen >= limit) return done();
      const part = chunk.subarray(0, limit - seen);
      seen += part.length;
      this.push(part);
      if (seen >= limit) this.push(null);
      done();
    },
  });
}

export async function streamLogs(docker: Dockerode, lookup: WorkerLookup, pod: Pod, options: LogOptions, signal: AbortSignal): Promise<Readable> {
  const { worker, record } = resolve(lookup, pod, options.container);
  let id: string | undefined;
  if (options.previous) {
    id = record?.previousId;
    if (!id) throw badRequest(`previous terminated container "${options.container}" in pod "${pod.metadata.name}" not found`);
  } else {
    id = record?.current?.id;
    if (!id) throw waitingError(pod, options.container, record, worker?.isInitialized ?? false);
  }
  // The engine takes fractional seconds (Podman and Docker alike): --since=1s means the last
  // second, as on a real kubelet, not up to two once now is cut down to a whole second.
  const sinceMs = options.sinceTime ? Date.parse(options.sinceTime) : options.sinceSeconds ? Date.now() - options.sinceSeconds * 1000 : undefined;
  const since = sinceMs !== undefined ? sinceMs / 1000 : undefined;
  const query = {
    stdout: true,
    stderr: true,
    timestamps: options.timestamps,
    ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
    ...(since !== undefined ? { since } : {}),
  };
  const container = docker.getContainer(id);
  const tty = record?.spec.tty ?? false;
  // Only a run that still goes can grow: a finished one (the previous run, or the current run
  // once it exited) is read whole, as the Docker Engine itself does. Podman 4.3's follow of a
  // stopped container drops lines: its file tailer is told to stop 250 ms in and from then on
  // discards any line its reader is not ready to take at once (`logs -f` of a finished Pod
  // lost its last line under load, a long log most of its lines).
  const follow = options.follow && !options.previous && (await observe(docker, id))?.running === true;
  let out: Readable;
  if (follow) {
    const raw = (await container.logs({ ...query, follow: true })) as unknown as NodeJS.ReadableStream;
    const abort = () => (raw as unknown as { destroy(): void }).destroy();
    signal.addEventListener('abort', abort, { once: true });
    if (tty) {
      out = new PassThrough();
      (raw as unknown as Readable).pipe(out as PassThrough);
    } else {
      const merged = new PassThrough();
      docker.modem.demuxStream(raw, merged, merged);
      const end = () => merged.end();
      raw.on('end', end);
      raw.on('close', end);
      raw.on('error', end);
      out = merged;
    }
    out.on('close', abort);
  } else {
    const buffer = (await container.logs({ ...query, follow: false })) as unknown as Buffer;
    out = Readable.from([tty ? buffer : demuxBuffer(buffer)]);
  }
  return options.limitBytes !== undefined ? out.pipe(limitBytes(options.limitBytes)) : out;
}

function runningContainer(lookup: WorkerLookup, pod: Pod, name: string): string {
  const { worker, record } = resolve(lookup, pod, name);
  if (!record?.current) throw waitingError(pod, name, record, worker?.isInitialized ?? false);
  if (!record.current.running) throw badRequest(`container ${name} is not running in pod ${pod.metadata.name}`);
  return record.current.id;
}

function session(
  docker: Dockerode,
  stream: NodeJS.ReadWriteStream,
  options: StreamOptions,
  finished: () => Promise<{ exitCode: number } | { error: string }>,
  resize: (size: TerminalSize) => Promise<unknown>,
): StreamSession {
  let stdout: Readable | null = null;
  let stderr: Readable | null = null;
  if (options.tty) {
    const out = new PassThrough();
    (stream as unknown as Readable).pipe(out);
    stdout = options.stdout ? out : null;
    if (!options.stdout) out.resume();
  } else {
    const split = demux(docker, stream);
    stdout = options.stdout ? split.stdout : null;
    stderr = options.stderr ? split.stderr : null;
    if (!options.stdout) split.stdout.resume();
    if (!options.stderr) split.stderr.resume();
  }
  const stdin = options.stdin
    ? new Writable({
        write(chunk, _enc, done) {
          stream.write(chunk, (error) => done(error ?? null));
        },
        final(done) {
          // Half-close: the process sees EOF on stdin (kubectl cp's `tar x` relies on it).
          stream.end();
          done();
        },
      })
    : null;
  let closed = false;
  const ended = new Promise<void>((resolveEnded) => {
    stream.on('end', () => resolveEnded());
    stream.on('close', () => resolveEnded());
    stream.on('error', () => resolveEnded());
  });
  const result = ended.then(finished).catch((error: Error) => ({ error: error.message }));
  return {
    stdin,
    stdout,
    stderr,
    resize(size) {
      // The engine answers 201, which dockerode reports as an error although it worked.
      resize(size).catch(() => undefined);
    },
    result,
    close() {
      if (closed) return;
      closed = true;
      (stream as unknown as { destroy(): void }).destroy();
    },
  };
}

export async function execInPod(docker: Dockerode, lookup: WorkerLookup, pod: Pod, command: string[], options: StreamOptions): Promise<StreamSession> {
  if (command.length === 0) throw badRequest('you must specify at least one command for the container');
  const id = runningContainer(lookup, pod, options.container);
  const exec = await docker.getContainer(id).exec({
    Cmd: command,
    AttachStdin: options.stdin,
    AttachStdout: true,
    AttachStderr: !options.tty,
    Tty: options.tty,
  });
  const stream = (await exec.start({ hijack: true, stdin: options.stdin, Tty: options.tty })) as unknown as NodeJS.ReadWriteStream;
  return session(
    docker,
    stream,
    options,
    async () => {
      const info = await exec.inspect();
      if (info.ExitCode === null || info.ExitCode === undefined) return { error: 'the command did not report an exit code' };
      return { exitCode: info.ExitCode };
    },
    (size) => exec.resize({ h: size.height, w: size.width }),
  );
}

export async function attachToPod(docker: Dockerode, lookup: WorkerLookup, pod: Pod, options: StreamOptions): Promise<StreamSession> {
  const id = runningContainer(lookup, pod, options.container);
  const record = lookup(pod)?.record(options.container);
  const tty = Boolean(record?.spec.tty) && options.tty;
  if (options.stdin && !record?.spec.stdin) {
    throw badRequest(`stdin is not enabled for container ${options.container} in pod ${pod.metadata.name}`);
  }
  const container = docker.getContainer(id);
  const stream = (await upgradeRaw(docker, `/containers/${id}/attach?stream=1&stdin=${options.stdin ? 1 : 0}&stdout=1&stderr=1`)) as unknown as NodeJS.ReadWriteStream;
  return session(
    docker,
    stream,
    { ...options, tty: Boolean(record?.spec.tty) },
    async () => {
      const info = await container.inspect();
      return { exitCode: info.State.Running ? 0 : info.State.ExitCode };
    },
    tty ? (size) => container.resize({ h: size.height, w: size.width }) : async () => undefined,
  );
}

/** A byte stream to 127.0.0.1:port inside the Pod's network namespace (busybox nc in the infra container). */
export async function portForwardToPod(docker: Dockerode, lookup: WorkerLookup, pod: Pod, port: number): Promise<Duplex> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port ${port}`);
  const worker = lookup(pod);
  const infra = worker?.infraContainer;
  if (!infra?.running) throw badRequest(`pod ${pod.metadata.name} does not have a running sandbox`);
  const exec = await docker.getContainer(infra.id).exec({
    Cmd: [POD_NETNS_BUSYBOX, 'nc', '127.0.0.1', String(port)],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream;
  const { stdout, stderr } = demux(docker, stream);
  let errorText = '';
  stderr.on('data', (chunk: Buffer) => {
    errorText += chunk.toString('utf8');
  });
  const duplex = new Duplex({
    write(chunk, _enc, done) {
      stream.write(chunk, (error) => done(error ?? null));
    },
    final(done) {
      stream.end();
      done();
    },
    read() {
      stdout.resume();
    },
    destroy(error, done) {
      (stream as unknown as { destroy(): void }).destroy();
      done(error);
    },
  });
  stdout.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) stdout.pause();
  });
  stdout.on('end', () => {
    void exec.inspect().then(
      (info) => {
        if (info.ExitCode && info.ExitCode !== 0) {
          duplex.destroy(
            new Error(
              `error forwarding port ${port} to pod ${pod.metadata.name}, uid ${pod.metadata.uid ?? ''}: failed to connect to localhost:${port} inside the Pod's network namespace: ${errorText.trim() || `exit status ${info.ExitCode}`}`,
            ),
          );
        } else duplex.push(null);
      },
      () => duplex.push(null),
    );
  });
  return duplex;
}
