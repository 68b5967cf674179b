// The `kind` command line, the one way this provider creates, deletes and feeds clusters
// (everything else goes through the engine's Docker API). Found at KIND_PATH or on PATH; its
// errors carry the command and what kind printed, as kind's own errors carry theirs.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ProviderError } from '../provider.js';

export interface KindCliOptions {
  /** The kind binary; unset: `kind` on PATH. */
  path?: string;
  /** Extra environment for kind (DOCKER_HOST: the engine the runner uses). */
  env?: Record<string, string>;
}

interface RunOptions {
  /** Aborting stops kind (SIGTERM); the caller then deletes what it left. */
  signal?: AbortSignal;
}

/** A kind command that exited non-zero; its message ends with kind's own last lines. */
export class KindCommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`kind ${argv.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${lastLines(output)}`);
    this.name = 'KindCommandError';
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ') || 'no output';
}

export class KindCli {
  constructor(private readonly options: KindCliOptions = {}) {}

  /** The binary that runs; a ProviderError naming KIND_PATH when there is none. */
  binary(): string {
    const candidates = this.options.path
      ? [this.options.path]
      : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'kind'));
    for (const candidate of candidates) {
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not this one
      }
    }
    const where = this.options.path ? `KIND_PATH=${this.options.path} is not an executable file` : 'no `kind` on PATH';
    throw new ProviderError('engine_failed', `the kind provider needs the kind CLI: ${where}; install kind (https://kind.sigs.k8s.io) or set KIND_PATH`);
  }

  async createCluster(name: string, options: { image?: string; kubeconfigPath: string; signal?: AbortSignal }): Promise<void> {
    await this.run(['create', 'cluster', '--name', name, ...(options.image ? ['--image', options.image] : []), '--kubeconfig', options.kubeconfigPath], {
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Idempotent, as kind's is: deleting a cluster that does not exist succeeds. */
  async deleteCluster(name: string): Promise<void> {
    await this.run(['delete', 'cluster', '--name', name]);
  }

  /** The cluster's kubeconfig: for the host (published API port) or `internal` (for containers beside the node). */
  async kubeconfig(name: string, internal = false): Promise<string> {
    return (await this.run(['get', 'kubeconfig', '--name', name, ...(internal ? ['--internal'] : [])])).stdout;
  }

  async loadImageArchive(name: string, archive: string): Promise<void> {
    await this.run(['load', 'image-archive', archive, '--name', name]);
  }

  private run(argv: string[], options: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
    const binary = this.binary();
    return new Promise((resolve, reject) => {
      const child = spawn(binary, argv, { env: { ...process.env, ...this.options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const onAbort = () => child.kill('SIGTERM');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => reject(new ProviderError('engine_failed', `cannot run ${binary}: ${error.message}`, { cause: error })));
      child.once('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (code === 0) resolve({ stdout, stderr });
        else reject(new KindCommandError(argv, code, `${stderr}\n${stdout}`));
      });
    });
  }
}
