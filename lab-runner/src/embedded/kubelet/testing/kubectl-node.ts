// One embedded cluster (API server and the real kubelet on the engine) in a temporary
// directory, driven by the real kubectl as a learner drives it from the toolbox.

import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EmbeddedCluster, EmbeddedClusterHost } from '../../host-contract.js';
import { createEmbeddedClusterHost } from '../../host.js';
import type { KubeletFactory } from '../../node-contract.js';
import { engineContainers } from './helpers.js';

const execFileAsync = promisify(execFile);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlNode {
  dir: string;
  kubeconfig: string;
  host: EmbeddedClusterHost;
  cluster: EmbeddedCluster;
  /** Runs kubectl to its end; with `stdin`, that text is its standard input. */
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  /** Starts a kubectl that keeps running (follow, watch, port-forward, interactive sessions). */
  spawn(args: string[]): ChildProcessWithoutNullStreams;
  /** Deletes the cluster and stops the host; resolves with the engine containers left behind (none expected). */
  cleanup(): Promise<unknown[]>;
}

/** `kubeletFactory`: a kubelet with other shares (disk, limits) than the default one. */
export async function startKubectlNode(prefix: string, kubeletFactory?: KubeletFactory): Promise<KubectlNode> {
  const dir = await mkdtemp(join(tmpdir(), `kubelab-${prefix}-`));
  const host = createEmbeddedClusterHost({ stateDir: join(dir, 'state'), port: 0, storage: 'memory', ...(kubeletFactory ? { kubeletFactory } : {}) });
  await host.start();
  const cluster = await host.createCluster(`${prefix.slice(0, 2)}-${randomUUID().slice(0, 8)}`);
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfig());
  const base = () => ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const node: KubectlNode = {
    dir,
    kubeconfig,
    host,
    cluster,
    async kubectl(args, stdin) {
      if (stdin === undefined) {
        try {
          const { stdout, stderr } = await execFileAsync('kubectl', [...base(), ...args], { timeout: 90_000 });
          return { code: 0, stdout, stderr };
        } catch (error) {
          const e = error as { code?: number; stdout?: string; stderr?: string };
          return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
        }
      }
      const child = node.spawn(args);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.end(stdin);
      const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
      return { code, stdout, stderr };
    },
    spawn: (args) => spawn('kubectl', [...base(), ...args]),
    async cleanup() {
      await host.deleteCluster(cluster.id);
      await host.stop();
      const left = await engineContainers(cluster.id);
      await rm(dir, { recursive: true, force: true });
      return left;
    },
  };
  return node;
}
