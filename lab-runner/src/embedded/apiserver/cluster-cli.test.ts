// `npm run cluster`: the standalone cluster serves real kubectl with the kubeconfig it writes,
// stops cleanly on SIGTERM, and with --state-dir serves the same objects after a restart.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Kubectl } from './compat/testing/kubectl.js';

const CLI = fileURLToPath(new URL('../cluster-cli.ts', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startCli(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster CLI did not start: ${out}`)), 60_000);
    child.stdout?.on('data', () => {
      if (out.includes('kubeconfig:')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.on('exit', () => reject(new Error(`cluster CLI exited: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm run cluster', () => {
  it('serves kubectl, stops on SIGTERM, and keeps its objects in --state-dir', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig');
    const stateDir = path.join(dir, 'state');
    const args = ['--kubeconfig', kubeconfig, '--state-dir', stateDir, '--no-kubelet'];
    const first = await startCli(args);
    const k = new Kubectl('1.33', kubeconfig, path.join(dir, 'cache'));
    expect((await k.run(['create', 'configmap', 'kept', '--from-literal=a=1'])).stdout).toContain('configmap/kept created');
    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('SIGTERM: stopping');

    const second = await startCli(args);
    const got = await k.run(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
    expect(got.stdout).toBe('1');
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses to start without --kubeconfig', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--kubeconfig PATH is required');
  });
});
