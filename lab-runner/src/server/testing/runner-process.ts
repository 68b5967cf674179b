// The runner as a real process (node with tsx's loader, not the tsx CLI: the CLI runs the
// script in a child process, so a signal to it would leave the runner itself alive), for
// tests that kill, stop and restart it.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NODE_ARGS = ['--import', 'tsx', 'src/main.ts'];

export interface RunnerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout (its JSON log lines) so far. */
  readonly out: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `src/main.ts` with `env` (PATH and HOME are passed on) and resolves once it logged
 * runner_started; rejects if it exits first. A cold start on a busy machine takes what it
 * takes: the test's timeout is the budget.
 */
export async function startRunnerProcess(env: Record<string, string>, children: ChildProcess[] = []): Promise<RunnerProcess> {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: RUNNER_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', RUNNER_PORT: '0', RUNNER_WARM_POOL_SIZE: '0', RUNNER_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const line = out.split('\n').find((l) => l.includes('"runner_started"'));
      if (!line) return;
      clearInterval(poll);
      resolve((JSON.parse(line) as { url: string }).url);
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`runner exited ${code}: ${(err || out).slice(-2000)}`));
    });
  });
  return {
    child,
    url,
    out: () => out,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One event of the runner's JSON log, the first one named `event`. */
export function logEvent(out: string, event: string): Record<string, unknown> | undefined {
  const line = out.split('\n').find((l) => l.includes(`"event":"${event}"`));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}
