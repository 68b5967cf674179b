// Runs a real kubectl binary (kubectl.1.27 ... kubectl.1.33 beside the `kubectl` on PATH)
// against a test server, with its own kubeconfig and discovery cache per version.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { kubectlPath, type Version } from '../../compat/testing/kubectl.js';

export function writeKubeconfig(file: string, serverUrl: string): void {
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: test, cluster: {server: "${serverUrl}"}}]`,
      'users: [{name: test, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]',
      'current-context: test',
      '',
    ].join('\n'),
  );
}

export interface KubectlContext {
  version: Version;
  kubeconfig: string;
  cacheDir: string;
  env: Record<string, string>;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startKubectl(context: KubectlContext, args: string[], options: { cwd?: string } = {}): ChildProcess {
  return spawn(kubectlPath(context.version), [`--cache-dir=${context.cacheDir}`, ...args], {
    cwd: options.cwd,
    env: { ...process.env, KUBECONFIG: context.kubeconfig, ...context.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a child to completion, feeding `input` to its stdin; kills it after `timeoutMs`. */
export function collect(child: ChildProcess, input: string | Buffer | null, timeoutMs = 30_000): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${child.spawnargs.join(' ')}\nstdout: ${Buffer.concat(stdout)}\nstderr: ${Buffer.concat(stderr)}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin?.on('error', () => {});
    if (input !== null) child.stdin?.end(input);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

export function runKubectl(context: KubectlContext, args: string[], input: string | Buffer | null = null, options: { cwd?: string } = {}) {
  return collect(startKubectl(context, args, options), input);
}

/**
 * Runs kubectl inside `script` so it has a real terminal (kubectl -t needs one), with the
 * terminal set to `cols`x`rows` first so the resize message it sends is known.
 */
export function runKubectlInTerminal(context: KubectlContext, args: string[], input: string, size: { cols: number; rows: number }) {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const commandLine = [kubectlPath(context.version), `--cache-dir=${context.cacheDir}`, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', `stty cols ${size.cols} rows ${size.rows}; exec ${commandLine}`, '/dev/null'], {
    env: { ...process.env, KUBECONFIG: context.kubeconfig, ...context.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, input);
}
