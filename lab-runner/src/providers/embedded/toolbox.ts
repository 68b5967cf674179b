// The learner's toolbox container: one per sandbox, on the container engine's Docker API.
// It has no network (NetworkMode none); its only way out is the sandbox's API socket,
// bind-mounted at /run/kubelab/api.sock and bridged to 127.0.0.1:6443 by the image's init.
// State lives in labels, so a restarted runner finds every toolbox again.
// The learner is root in it and hostile: it runs with no capability at all, the engine's
// seccomp profile, no-new-privileges and, where the engine can, its own user namespace.

import { PassThrough, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { forceRemoveContainer } from '../../engines/remove-container.js';
import { confinement, userNamespacePool } from '../../embedded/kubelet/engine-security.js';
import { holdUserNamespace } from '../../embedded/kubelet/userns-holders.js';
import { ProviderError, type ExecOptions, type ExecResult, type TerminalSession } from '../provider.js';
import { LABEL_INSTALL } from './install-identity.js';

const LABEL_MANAGED = 'io.kubelab.managed';
/** Pod containers carry the cluster id under this label (set by the kubelet). */
const LABEL_CLUSTER = 'io.kubelab.cluster';
/**
 * Toolboxes carry the sandbox id under this label, not io.kubelab.cluster: the kubelet treats
 * every container with its cluster label as a Pod container and removes the ones that belong
 * to no Pod when it adopts containers after a restart.
 */
export const LABEL_SANDBOX = 'io.kubelab.sandbox';
const LABEL_ROLE = 'io.kubelab.role';
/** The toolbox's user-namespace holder (userns-holders.ts). */
export const TOOLBOX_USERNS_ROLE = 'toolbox-userns';

/** A Kubelab container on the engine: the sandbox it belongs to, its role and the install that made it. */
export interface ManagedContainer {
  id: string;
  cluster: string;
  role: string | undefined;
  install: string | undefined;
}

export interface ToolboxLimits {
  memoryBytes: number;
  pids: number;
  cpus: number;
}

export interface ToolboxOptions {
  image: string;
  limits: ToolboxLimits;
  /** Extra labels on every toolbox (tests scope their cleanup with one). */
  labels?: Record<string, string>;
}

/** The toolbox's container name: how every provider's toolbox of sandbox `id` is addressed. */
export const toolboxName = (id: string) => `kubelab-toolbox-${id}`;
const containerName = toolboxName;

/** A toolbox's labels: its sandbox and role, on top of `extra`. */
export function toolboxLabels(extra: Record<string, string> | undefined, id: string): Record<string, string> {
  return { ...extra, [LABEL_MANAGED]: 'true', [LABEL_SANDBOX]: id, [LABEL_ROLE]: 'toolbox' };
}

/** A toolbox's limits and confinement, whatever network it sits on; `usernsMode` joins a held user namespace. */
export function toolboxHostConfig(limits: ToolboxLimits, usernsMode: string | undefined): Dockerode.HostConfig {
  return {
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    PidsLimit: limits.pids,
    NanoCpus: Math.round(limits.cpus * 1e9),
    // kubectl, an editor and a shell need no capability: the learner owns what it writes.
    ...confinement([]),
    ...(usernsMode ? { UsernsMode: usernsMode } : {}),
    RestartPolicy: { Name: 'no' },
  };
}
const isStatus = (error: unknown, code: number) => (error as { statusCode?: number } | null)?.statusCode === code;

export class Toolboxes {
  constructor(
    private readonly docker: Dockerode,
    private readonly options: ToolboxOptions,
  ) {}

  /** Creates and starts the toolbox of sandbox `id`, then waits until its API bridge listens. */
  async create(id: string, apiSocket: { hostPath: string; containerPath: string }, label: string, signal?: AbortSignal): Promise<void> {
    const { limits } = this.options;
    // Its own range, not the sandbox's: the toolbox never shares files with the Pods.
    const pool = await userNamespacePool(this.docker);
    const userns = pool && (await holdUserNamespace(this.docker, pool, { [LABEL_SANDBOX]: id, [LABEL_ROLE]: TOOLBOX_USERNS_ROLE }, { ...this.options.labels, [LABEL_MANAGED]: 'true' }));
    const container = await this.docker.createContainer({
      name: containerName(id),
      Image: this.options.image,
      Hostname: 'toolbox',
      Env: [`KUBELAB_SANDBOX=${label}`],
      Labels: toolboxLabels(this.options.labels, id),
      HostConfig: {
        ...toolboxHostConfig(limits, userns?.mode),
        NetworkMode: 'none',
        Binds: [`${apiSocket.hostPath}:${apiSocket.containerPath}`],
      },
    });
    signal?.throwIfAborted();
    await container.start();
    signal?.throwIfAborted();
    // The bridge (socat) listens on 127.0.0.1:6443 = 0x192B, state 0A = LISTEN.
    const probe = await this.exec(id, ['sh', '-c', 'for i in $(seq 1 200); do grep -q ":192B 00000000:0000 0A" /proc/net/tcp && exit 0; sleep 0.025; done; exit 1'], {
      timeoutMs: 15_000,
    });
    if (probe.exitCode !== 0) throw new ProviderError('create_failed', `the toolbox's API bridge did not start: ${probe.stderr || probe.stdout}`);
  }

  /** Whether the toolbox exists and runs. */
  async running(id: string): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(containerName(id)).inspect();
      return info.State.Running;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw error;
    }
  }

  /** Starts a stopped toolbox (after an engine restart). */
  async ensureRunning(id: string): Promise<void> {
    const container = this.docker.getContainer(containerName(id));
    const info = await container.inspect();
    if (!info.State.Running) await container.start();
  }

  /** Force-removes the toolbox; a missing one is fine. */
  async remove(id: string): Promise<void> {
    await forceRemoveContainer(this.docker, containerName(id), { volumes: true });
    // Then its user-namespace holder, which the engine keeps while the toolbox joins it.
    const holders = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=${id}`, `${LABEL_ROLE}=${TOOLBOX_USERNS_ROLE}`] } });
    for (const holder of holders) await forceRemoveContainer(this.docker, holder.Id);
  }

  /** Every Kubelab-managed container with the sandbox it belongs to (toolboxes and Pod containers alike). */
  async listManaged(): Promise<ManagedContainer[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`] } });
    const out: ManagedContainer[] = [];
    for (const c of containers) {
      const cluster = c.Labels[LABEL_SANDBOX] ?? c.Labels[LABEL_CLUSTER];
      if (cluster !== undefined) out.push({ id: c.Id, cluster, role: c.Labels[LABEL_ROLE], install: c.Labels[LABEL_INSTALL] });
    }
    return out;
  }

  async removeContainer(containerId: string): Promise<void> {
    await forceRemoveContainer(this.docker, containerId, { volumes: true });
  }

  async exec(id: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.docker.getContainer(containerName(id));
    const exec = await container.exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk));
    stderr.on('data', (chunk: Buffer) => err.push(chunk));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    const finished = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', reject);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      if (options.timeoutMs === undefined) return;
      timer = setTimeout(() => {
        stream.destroy();
        reject(new ProviderError('timeout', `${argv.join(' ')} did not finish within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    try {
      await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  async logs(id: string, tailLines: number): Promise<string> {
    const buffer = (await this.docker.getContainer(containerName(id)).logs({ stdout: true, stderr: true, tail: tailLines, follow: false })) as Buffer;
    return demuxBuffer(buffer);
  }

  /** `bash -l` on a TTY: the learner's shell. */
  async shell(id: string, size: { cols: number; rows: number }): Promise<TerminalSession> {
    const container = this.docker.getContainer(containerName(id));
    const exec = await container.exec({
      Cmd: ['bash', '-l'],
      Tty: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Env: ['TERM=xterm-256color', `COLUMNS=${size.cols}`, `LINES=${size.rows}`],
      ConsoleSize: [size.rows, size.cols],
    });
    const socket = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    const resize = async (cols: number, rows: number) => {
      try {
        await exec.resize({ h: rows, w: cols });
      } catch (error) {
        // Podman answers 201 Created, which dockerode reports as an error although it worked.
        if (!isStatus(error, 201) && !isStatus(error, 200)) throw error;
      }
    };
    const ended = new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.once('end', () => resolve());
      socket.once('error', () => resolve());
    });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      // Hang-up: end the TTY's input, then drop the connection; bash sees EOF/SIGHUP.
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
      void hangUp(exec).catch(() => undefined);
    };
    return {
      output: socket,
      write: (data) => {
        if (!closed && socket.writable) socket.write(data);
      },
      resize,
      close,
      ended,
    };
  }
}

/** Signals the exec'd shell's process group, so a closed terminal leaves no bash behind. */
async function hangUp(exec: Dockerode.Exec): Promise<void> {
  const info = (await exec.inspect()) as Dockerode.ExecInspectInfo & { Pid?: number };
  if (!info.Running || !info.Pid) return;
  try {
    process.kill(info.Pid, 'SIGHUP');
  } catch {
    // The process already ended, or runs where this process cannot signal it.
  }
}

/** Docker's multiplexed log format (8-byte frame headers) as text. */
function demuxBuffer(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    if (kind === undefined || kind > 2 || offset + 8 + length > buffer.length) return buffer.toString('utf8');
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}
