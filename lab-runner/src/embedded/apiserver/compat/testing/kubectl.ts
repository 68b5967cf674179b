// Runs the real kubectl binaries (kubectl.1.27 … kubectl.1.33, beside the file `command -v
// kubectl` resolves to) against an embedded cluster, one kubeconfig and discovery cache per version.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';

export const VERSIONS = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'] as const;
export type Version = (typeof VERSIONS)[number];

export function kubectlPath(version: Version): string {
  const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  const binary = path.join(path.dirname(realpathSync(onPath)), `kubectl.${version}`);
  if (!existsSync(binary)) throw new Error(`kubectl ${version} not found at ${binary}`);
  return binary;
}

export interface KubectlResult {
  /** The arguments it ran with, so a failure says which of a case's commands it was. */
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Resolves early (killing kubectl) once stdout matches: for -w and -f. */
  until?: RegExp | ((stdout: string) => boolean);
  /** Called once kubectl has started (or once stdout matches startWhen, or stderr startWhenStderr), e.g. to make the change a watch should see. */
  onStart?: () => Promise<void> | void;
  startWhen?: RegExp;
  /** With `-v=6`, kubectl logs each response on stderr: the moment its watch is established. */
  startWhenStderr?: RegExp;
}

export class Kubectl {
  readonly binary: string;
  constructor(
    readonly version: Version,
    readonly kubeconfig: string,
    readonly cacheDir: string,
  ) {
    this.binary = kubectlPath(version);
  }

  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = spawn(this.binary, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: this.cacheDir, ...(opts.env ?? {}) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let done = false;
      const finish = (code: number) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ args, code, stdout, stderr });
      };
      const timer = setTimeout(() => {
        stderr += `\n[killed after ${opts.timeoutMs ?? 60_000} ms]`;
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? 60_000);
      let started = false;
      const start = () => {
        if (started || !opts.onStart) return;
        started = true;
        void opts.onStart();
      };
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (opts.startWhen?.test(stdout)) start();
        const until = opts.until;
        if (until && (typeof until === 'function' ? until(stdout) : until.test(stdout))) {
          child.kill('SIGTERM');
          finish(0);
        }
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (opts.startWhenStderr?.test(stderr)) start();
      });
      child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
      child.stdin.on('error', () => {});
      if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
      else child.stdin.end();
      if (!opts.startWhen && !opts.startWhenStderr) setTimeout(start, 50);
    });
  }

  /** Runs `kubectl port-forward TARGET :PORT` until it reports its local port, GETs `/` through it, then stops it. */
  async portForwardFetch(target: string, remotePort: number): Promise<string> {
    const child = spawn(this.binary, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, 'port-forward', target, `:${remotePort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 20_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> /.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`port-forward exited: ${out}`)));
      });
      return await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        });
        req.on('error', reject);
        req.end();
      });
    } finally {
      child.kill('SIGTERM');
    }
  }
}
