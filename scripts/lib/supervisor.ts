// Runs the platform's long-lived processes side by side: prefixes their output, stops all of
// them when one dies, and turns SIGINT/SIGTERM into a clean, bounded shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths.js';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Also appends the process's output to this file (the details a one-line failure points to). */
  logFile?: string;
}

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping: Promise<void> | undefined;
  /** Resolves with the exit code the supervisor itself should exit with. */
  readonly done: Promise<number>;
  private finish!: (code: number) => void;

  constructor(private readonly stopTimeoutMs = 15_000) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  start(spec: ProcessSpec): void {
    const child = spawn(spec.command, spec.args, { cwd: repoRoot, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.set(spec.name, child);
    let file: WriteStream | undefined;
    if (spec.logFile) {
      mkdirSync(path.dirname(spec.logFile), { recursive: true, mode: 0o700 });
      file = createWriteStream(spec.logFile, { flags: 'a', mode: 0o600 });
      file.write(`--- ${new Date().toISOString()} ${spec.name} started\n`);
    }
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        process.stdout.write(`[${spec.name}] ${line}\n`);
        file?.write(`${line}\n`);
      });
    }
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      file?.end();
      if (!this.stopping) {
        const details = spec.logFile ? `; its output is in ${spec.logFile}` : '';
        process.stderr.write(`[kubelab] ${spec.name} exited unexpectedly (${signal ?? `exit ${code}`}), so the platform stopped${details}\n`);
        void this.stop(1);
      } else if (this.children.size === 0) {
        this.finish(this.exitCode);
      }
    });
  }

  private exitCode = 0;

  /** Sends SIGTERM to every process, SIGKILL to those still alive after the timeout. Safe twice. */
  stop(exitCode = 0): Promise<void> {
    if (this.stopping) return this.stopping;
    this.exitCode = exitCode;
    this.stopping = new Promise<void>((resolve) => {
      if (this.children.size === 0) {
        this.finish(exitCode);
        resolve();
        return;
      }
      for (const child of this.children.values()) child.kill('SIGTERM');
      const killer = setTimeout(() => {
        for (const child of this.children.values()) child.kill('SIGKILL');
      }, this.stopTimeoutMs);
      void this.done.then(() => {
        clearTimeout(killer);
        resolve();
      });
    });
    return this.stopping;
  }
}

/** Polls `url` until it answers with a status below 500, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      if (response.status < 500) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000} s (${last})`);
}
