// The Provider turns "a sandbox with this id" into a Kubernetes API endpoint plus a toolbox
// container the learner types into. Everything above it (lifecycle, capacity, shells, checks)
// is provider-independent; `contract.ts` is the suite every provider must pass.
//
// Rules (as kind's and virtual-kubelet's providers): every call may be repeated safely;
// a provider finds the sandboxes it created before a restart from the engine's own state
// (labels, its host's state directory), never from the runner's records.

import type { Readable } from 'node:stream';

/** What a provider hands back for a sandbox; never mutated by the caller. */
export interface SandboxEndpoint {
  readonly id: string;
  /** A kubeconfig that works from the runner's host (the check engine uses it). */
  readonly kubeconfig: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Bytes fed to the command's stdin (then closed). */
  stdin?: string;
  /** Kills the wait (not necessarily the process) after this long; the result is a ProviderError. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** An interactive TTY in the toolbox. */
export interface TerminalSession {
  /** Terminal output; pausing it stops reading from the engine (back-pressure). */
  readonly output: Readable;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Ends the session (hang-up); safe twice. */
  close(): void;
  /** Resolves when the shell ends, whoever ended it. Never rejects. */
  readonly ended: Promise<void>;
}

export interface CreateOptions {
  /** Aborting rolls back whatever was created and rejects with `aborted`. */
  signal?: AbortSignal;
  /** The prompt label inside the toolbox (KUBELAB_SANDBOX). */
  label?: string;
}

export interface Provider {
  readonly name: 'embedded' | 'kind';
  /** Prepares the engine (images, host) and re-attaches to sandboxes created before a restart. */
  start(): Promise<void>;
  /** Stops serving; sandboxes keep running for the next start. Safe twice. */
  stop(): Promise<void>;
  /**
   * Creates the cluster and the toolbox for `id`, resolving once kubectl in the toolbox can
   * reach the cluster. On any failure (or abort) everything created so far is removed
   * before the promise rejects with a ProviderError.
   */
  create(id: string, options?: CreateOptions): Promise<SandboxEndpoint>;
  /** The sandbox `id` if this provider holds it (including ones created before a restart). */
  get(id: string): Promise<SandboxEndpoint | undefined>;
  /** Ids of every sandbox this provider holds. */
  list(): Promise<string[]>;
  /** Removes the sandbox's cluster, containers and files. Idempotent: an unknown id resolves. */
  delete(id: string): Promise<void>;
  /** Runs `argv` in the toolbox without a TTY and collects its output. */
  exec(id: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** The toolbox container's own output (its entrypoint), for diagnostics. */
  logs(id: string, options?: { tailLines?: number }): Promise<string>;
  /** Opens `bash -l` on a TTY in the toolbox. */
  shell(id: string, size: { cols: number; rows: number }): Promise<TerminalSession>;
  /** Writes a file in the sandbox's node directory (`path` as the node sees it, absolute). */
  writeNodeFile(id: string, path: string, content: string): Promise<void>;
  /** Reads a file of the node directory; undefined when it does not exist. */
  readNodeFile(id: string, path: string): Promise<string | undefined>;
  /**
   * Removes engine resources labelled as Kubelab's whose sandbox is not in `keep`
   * (left behind by a crash). Resolves to the ids removed.
   */
  removeOrphans(keep: ReadonlySet<string>): Promise<string[]>;
}

/** What a sandbox uses right now, read from its cgroup. */
export interface SandboxUsage {
  /** CPU time used by the sandbox's containers since they started, in seconds. */
  cpuSeconds: number;
  memoryBytes: number;
  /** The sandbox's memory limit, when one is enforced. */
  memoryLimitBytes: number | null;
}

/** An optional capability: a provider that can say what each sandbox uses. */
export interface UsageSource {
  /** The sandbox's usage, or undefined when it cannot be read here (no such sandbox, no cgroup). */
  usage(id: string): Promise<SandboxUsage | undefined>;
}

export function hasUsage(provider: Provider): provider is Provider & UsageSource {
  return typeof (provider as Partial<UsageSource>).usage === 'function';
}

export type ProviderErrorCode = 'not_found' | 'create_failed' | 'aborted' | 'engine_failed' | 'timeout';

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
