// Shared helpers for the kubelet's tests against the real engine.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import type { Pod } from '../../k8s-types.js';
import type { Kubelet, StreamSession } from '../../node-contract.js';
import { createKubeletWith } from '../index.js';
import { LABEL } from '../labels.js';
import { MemoryCluster } from './memory-cluster.js';

export const docker = new Dockerode();

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestNode {
  cluster: MemoryCluster;
  kubelet: Kubelet;
  nodeDir: string;
  podsDir: string;
  root: string;
  clusterId: string;
  logs: string[];
  restartKubelet(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestNode(limits = { pids: 512, memoryBytes: 512 * 2 ** 20, cpus: 1 }): Promise<TestNode> {
  const clusterId = `kt-${randomUUID().slice(0, 8)}`;
  const root = await mkdtemp(join(tmpdir(), 'kubelab-kubelet-'));
  const cluster = new MemoryCluster(clusterId);
  const logs: string[] = [];
  const options = { cluster, nodeDir: join(root, 'node'), podsDir: join(root, 'pods'), limits };
  // A short resync so tests see periodic work (volume refresh, drift repair) within seconds.
  const factory = createKubeletWith({ docker, resyncMs: 2_000, log: (m, e) => logs.push(`${m}${e ? `: ${(e as Error).message}` : ''}`) });
  const node: TestNode = {
    cluster,
    kubelet: factory(options),
    nodeDir: options.nodeDir,
    podsDir: options.podsDir,
    root,
    clusterId,
    logs,
    async restartKubelet() {
      await node.kubelet.stop();
      node.kubelet = factory(options);
      await node.kubelet.start();
    },
    async cleanup() {
      await node.kubelet.destroy();
      await rm(root, { recursive: true, force: true });
    },
  };
  await node.kubelet.start();
  return node;
}

export function podStatus(node: TestNode, name: string) {
  return node.cluster.getPod('default', name)?.status;
}

export function containerStatus(node: TestNode, pod: string, container: string) {
  const status = podStatus(node, pod);
  return [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])].find((c) => c.name === container);
}

export async function waitReady(node: TestNode, name: string, timeoutMs = 30_000): Promise<Pod> {
  return waitFor(`pod ${name} Ready`, () => {
    const pod = node.cluster.getPod('default', name);
    return pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? pod : undefined;
  }, timeoutMs);
}

export async function engineContainers(clusterId: string, podName?: string) {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${clusterId}`, ...(podName ? [`${LABEL.podName}=${podName}`] : [])] } });
}

export async function read(stream: Readable | null): Promise<string> {
  if (!stream) return '';
  let text = '';
  for await (const chunk of stream) text += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
  return text;
}

/** Runs a command through the kubelet's exec and returns exit code and output. */
export async function execIn(node: TestNode, pod: string, container: string, command: string[], stdin?: Buffer): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const p = node.cluster.getPod('default', pod);
  if (!p) throw new Error(`no pod ${pod}`);
  const session: StreamSession = await node.kubelet.exec(p, command, { container, stdin: stdin !== undefined, stdout: true, stderr: true, tty: false });
  if (stdin !== undefined) session.stdin?.end(stdin);
  const [stdout, stderr, result] = await Promise.all([read(session.stdout), read(session.stderr), session.result]);
  if ('error' in result) throw new Error(result.error);
  return { exitCode: result.exitCode, stdout, stderr };
}
