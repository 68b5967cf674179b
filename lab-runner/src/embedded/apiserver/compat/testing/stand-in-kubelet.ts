// The stand-in kubelet, for the compatibility suite's API cases only (api-cases.ts): it reports
// every Pod Running and Ready at once, with fixed addresses, through the real
// KubeletClusterClient (with the events a kubelet records), and finishes graceful deletions.
// It runs no containers: logs, exec, attach and port-forward are refused, since the cases that
// need them run on the real kubelet (pod-cases.ts).

import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import type { Pod } from '../../../k8s-types.js';
import type { Kubelet, KubeletFactory, KubeletOptions, StreamSession } from '../../../node-contract.js';
import { badRequest } from '../../../status-error.js';

const stamp = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

class StandInKubelet implements Kubelet {
  private unwatch: (() => void) | undefined;
  private readonly removing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: KubeletOptions) {}

  async start(): Promise<void> {
    const c = this.options.cluster;
    this.unwatch = c.watchPods((e) => {
      if (e.type === 'DELETED') return;
      const pod = e.pod;
      if (pod.metadata.deletionTimestamp) this.finishDeletion(pod);
      else if (!pod.status?.containerStatuses) this.later(() => void this.run(pod), 30);
    });
  }

  async stop(): Promise<void> {
    this.unwatch?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.options.podsDir, { recursive: true, force: true });
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async run(pod: Pod): Promise<void> {
    const c = this.options.cluster;
    const current = c.getPod(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    const ts = stamp();
    for (const ct of pod.spec.containers) {
      await c.recordEvent({ pod, type: 'Normal', reason: 'Pulled', message: `Container image "${ct.image}" already present on machine`, fieldPath: `spec.containers{${ct.name}}` });
      await c.recordEvent({ pod, type: 'Normal', reason: 'Created', message: `Created container: ${ct.name}`, fieldPath: `spec.containers{${ct.name}}` });
      await c.recordEvent({ pod, type: 'Normal', reason: 'Started', message: `Started container ${ct.name}`, fieldPath: `spec.containers{${ct.name}}` });
    }
    const cond = (type: string) => ({ type, status: 'True' as const, lastProbeTime: null, lastTransitionTime: ts });
    await c.updatePodStatus(pod.metadata.namespace ?? '', pod.metadata.name ?? '', pod.metadata.uid ?? '', {
      ...pod.status,
      phase: 'Running',
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      podIP: '10.244.0.7',
      podIPs: [{ ip: '10.244.0.7' }],
      startTime: ts,
      containerStatuses: pod.spec.containers.map((ct) => ({
        name: ct.name,
        state: { running: { startedAt: ts } },
        ready: true,
        restartCount: 0,
        image: ct.image ?? '',
        imageID: `docker.io/library/${ct.image ?? ''}@sha256:${'0'.repeat(64)}`,
        containerID: `docker://${'1'.repeat(64)}`,
        started: true,
      })),
    });
  }

  private finishDeletion(pod: Pod): void {
    const key = pod.metadata.uid ?? '';
    if (this.removing.has(key)) return;
    this.removing.add(key);
    const c = this.options.cluster;
    for (const ct of pod.spec.containers)
      void c.recordEvent({ pod, type: 'Normal', reason: 'Killing', message: `Stopping container ${ct.name}`, fieldPath: `spec.containers{${ct.name}}` });
    // Containers "stop" quickly, well inside any grace period.
    this.later(() => {
      rmSync(path.join(this.options.podsDir, key), { recursive: true, force: true });
      void c.removePod(pod.metadata.namespace ?? '', pod.metadata.name ?? '', key).finally(() => this.removing.delete(key));
    }, Math.min(300, (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000));
  }

  private noContainers(): never {
    throw badRequest('the stand-in kubelet runs no containers: cases that need one are in pod-cases.ts, on the real kubelet');
  }

  async logs(): Promise<Readable> {
    return this.noContainers();
  }

  async exec(): Promise<StreamSession> {
    return this.noContainers();
  }

  async attach(): Promise<StreamSession> {
    return this.noContainers();
  }

  async portForward(): Promise<Duplex> {
    return this.noContainers();
  }
}

export const standInKubeletFactory: KubeletFactory = (options) => new StandInKubelet(options);
