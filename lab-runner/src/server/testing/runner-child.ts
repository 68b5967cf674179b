// The runner as a real child process (node with tsx's loader, as `npm start` runs it), for
// tests and tools that must stop it, kill it hard, restart it on the same state directory, or
// tell a crash (the process died) from an error answer: the restart, installs and chaos tests
// and the fuzzer.

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// node with tsx's loader (not the tsx CLI): the CLI runs the script in a child process,
// so a SIGKILL to it would leave the runner itself alive.
const NODE_ARGS = ['--import', 'tsx', 'src/main.ts'];
const OUTPUT_KEPT = 64 * 1024;

/** One record of the runner's JSON log (one line of its stdout). */
export type LogRecord = Record<string, unknown> & { event?: string };

export interface RunnerProcessOptions {
  token: string;
  stateDir: string;
  prefix: string;
  /** More RUNNER_* settings (they win over the defaults here). */
  env?: Record<string, string>;
  /** How long a cold start may take before start() gives up (a loaded machine: not a speed test). */
  startTimeoutMs?: number;
}

export class RunnerProcess {
  /** The last bytes the process wrote (stdout and stderr interleaved): what a crash left. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
    output: { text: string },
    private readonly log: LogEvents,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    this.output = output.text;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The first record of the runner's log named `event`, however long ago it was written. */
  logEvent(event: string): LogRecord | undefined {
    return this.log.first.get(event);
  }

  /** Starts a runner and resolves once it logged `runner_started` (rejects if it exits first). */
  static async start(options: RunnerProcessOptions): Promise<RunnerProcess> {
    const child = spawn(process.execPath, NODE_ARGS, {
      cwd: RUNNER_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        // The runner ignores it; passed so the literal is a ProcessEnv also under Next's types
        // (NODE_ENV required), which a web-side test importing this helper sees.
        NODE_ENV: process.env.NODE_ENV,
        ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
        ...(process.env.KUBELAB_ENGINE ? { KUBELAB_ENGINE: process.env.KUBELAB_ENGINE } : {}),
        RUNNER_TOKEN: options.token,
        RUNNER_PORT: '0',
        RUNNER_STATE_DIR: options.stateDir,
        RUNNER_SANDBOX_PREFIX: options.prefix,
        RUNNER_WARM_POOL_SIZE: '0',
        RUNNER_LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    const collect = (chunk: Buffer) => (output.text = (output.text + chunk.toString()).slice(-OUTPUT_KEPT));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const log = new LogEvents();
    child.stdout?.on('data', (chunk: Buffer) => log.add(chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`runner did not start: ${output.text.slice(-2000)}`));
      }, options.startTimeoutMs ?? 300_000);
      const onData = () => {
        const started = log.first.get('runner_started');
        if (!started) return;
        done();
        resolve(started.url as string);
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`runner exited ${code}: ${output.text.slice(-2000)}`));
      };
      const done = () => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
    child.stdout?.off('data', collect);
    child.stderr?.off('data', collect);
    return new RunnerProcess(child, url, options.token, output, log);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * A runner API call with the service token; the body is JSON when it is not a string. Each
   * call has a connection of its own: a kept-alive socket that the server closes as it is
   * reused (likelier on a loaded machine, where timers run late) would fail the call.
   */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.url}${route}`,
        {
          method,
          agent: false,
          timeout: 120_000,
          headers: { authorization: `Bearer ${this.token}`, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, text });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${route}: no answer within 120 s`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** SIGKILL: nothing is cleaned up, exactly as a crash or an OOM kill would leave it. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for the graceful stop; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    return (await this.exited).code;
  }
}

/**
 * The first record of each event in the runner's JSON log, read line by line as it arrives.
 * Only the first of each name is kept, so a long run (the fuzzer, thousands of requests) holds
 * one record per event name, not its whole log.
 */
class LogEvents {
  readonly first = new Map<string, LogRecord>();
  private partial = '';

  add(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      let record: LogRecord;
      try {
        record = JSON.parse(line) as LogRecord;
      } catch {
        continue;
      }
      if (typeof record.event === 'string' && !this.first.has(record.event)) this.first.set(record.event, record);
    }
  }
}
