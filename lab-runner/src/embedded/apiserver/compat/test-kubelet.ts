// Test double of the kubelet, for the compatibility suite only: it reports every Pod Running
// and Ready through the real KubeletClusterClient (with the events a kubelet records),
// finishes graceful deletions, and serves logs, exec, attach and port-forward from the host.
// exec runs only a fixed list of harmless commands (echo, cat, tar, ls, sh -c with those) in
// a per-Pod temporary directory that stands in for the container filesystem: absolute paths
// in arguments are rewritten below it.

import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { Pod } from '../../k8s-types.js';
import type { Kubelet, KubeletFactory, KubeletOptions, LogOptions, StreamOptions, StreamSession } from '../../node-contract.js';
import { badRequest } from '../../status-error.js';

const ALLOWED = new Set(['echo', 'cat', 'tar', 'ls', 'true', 'false', 'mkdir']);
const stamp = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The log lines every container of the double prints. */
export function logLines(pod: Pod, container: string): string[] {
  return [`hello from ${container} in ${pod.metadata.name}`, `second line from ${container}`];
}

export interface TestKubeletOptions {
  /** A TCP port on 127.0.0.1 that every port-forward connects to. */
  forwardTo?: number;
}

class TestKubelet implements Kubelet {
  private unwatch: (() => void) | undefined;
  private readonly removing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: KubeletOptions,
    private readonly extra: TestKubeletOptions,
  ) {}

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

  private rootOf(pod: Pod): string {
    const dir = path.join(this.options.podsDir, pod.metadata.uid ?? 'unknown', 'root');
    mkdirSync(dir, { recursive: true });
    return dir;
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

  private checkRunning(pod: Pod, container: string): void {
    if (!pod.status?.containerStatuses?.some((s) => s.name === container && s.state?.running))
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
  }

  async logs(pod: Pod, options: LogOptions, signal: AbortSignal): Promise<Readable> {
    this.checkRunning(pod, options.container);
    let lines = logLines(pod, options.container);
    if (options.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - options.tailLines));
    const text = lines.map((l) => (options.timestamps ? `${stamp()} ${l}` : l)).join('\n') + '\n';
    if (!options.follow) return Readable.from([text]);
    const out = new PassThrough();
    out.write(text);
    // A follow ends when the container "exits": shortly after, or when the client goes away.
    const t = setTimeout(() => out.end(`${options.container} exiting\n`), 1500);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      out.end();
    });
    return out;
  }

  async exec(pod: Pod, command: string[], options: StreamOptions): Promise<StreamSession> {
    this.checkRunning(pod, options.container);
    let argv = command;
    if (argv[0] === 'sh' && argv[1] === '-c' && argv.length === 3) argv = (argv[2] ?? '').split(/\s+/).filter(Boolean);
    const bin = argv[0] ?? '';
    if (!ALLOWED.has(bin)) {
      return finished(126, `OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown\n`);
    }
    const root = this.rootOf(pod);
    const args = bin === 'tar' ? tarArgs(argv.slice(1), root) : argv.slice(1).map((a) => (a.startsWith('/') ? path.join(root, a) : a));
    return processSession(bin, args, root, options);
  }

  async attach(pod: Pod, options: StreamOptions): Promise<StreamSession> {
    this.checkRunning(pod, options.container);
    // The container's main process is stood in for by `cat`: what is typed comes back. When it
    // ends, a Pod that is not restarted completes, as `kubectl run -i --rm --restart=Never` expects.
    const session = processSession('cat', [], this.rootOf(pod), options);
    if (pod.spec.restartPolicy !== 'Always') void session.result.then(() => this.complete(pod));
    return session;
  }

  private async complete(pod: Pod): Promise<void> {
    const c = this.options.cluster;
    const current = c.getPod(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (!current || current.metadata.uid !== pod.metadata.uid || !current.status) return;
    const ts = stamp();
    await c.updatePodStatus(pod.metadata.namespace ?? '', pod.metadata.name ?? '', pod.metadata.uid ?? '', {
      ...current.status,
      phase: 'Succeeded',
      conditions: (current.status.conditions ?? []).map((cond) =>
        cond.type === 'Ready' || cond.type === 'ContainersReady' ? { ...cond, status: 'False', reason: 'PodCompleted', lastTransitionTime: ts } : cond,
      ),
      containerStatuses: (current.status.containerStatuses ?? []).map((s) => ({
        ...s,
        ready: false,
        started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: s.state?.running?.startedAt, finishedAt: ts, containerID: s.containerID } },
      })),
    });
  }

  async portForward(pod: Pod, port: number): Promise<Duplex> {
    if (!this.extra.forwardTo) throw badRequest(`error forwarding port ${port} to pod ${pod.metadata.name}: no listener`);
    const socket = net.connect(this.extra.forwardTo, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }
}

/** tar with absolute member paths becomes `-C <root>` plus relative paths, so archives look as in a container. */
function tarArgs(args: string[], root: string): string[] {
  const out: string[] = [];
  let rooted = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-C') {
      out.push('-C', path.join(root, args[++i] ?? ''));
      rooted = true;
    } else if (a.startsWith('/')) {
      if (!rooted) out.push('-C', root);
      rooted = true;
      out.push(a.replace(/^\/+/, '') || '.');
    } else out.push(a);
  }
  return out;
}

function finished(exitCode: number, stderr: string): StreamSession {
  return {
    stdin: null,
    stdout: Readable.from([]),
    stderr: Readable.from([stderr]),
    resize() {},
    result: Promise.resolve({ exitCode }),
    close() {},
  };
}

function processSession(bin: string, args: string[], cwd: string, options: StreamOptions): StreamSession {
  const child = spawn(bin, args, {
    cwd,
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', options.stderr && !options.tty ? 'pipe' : 'ignore'],
  });
  let exited = false;
  const result = new Promise<{ exitCode: number } | { error: string }>((resolve) => {
    child.once('error', (e) => resolve({ error: e.message }));
    child.once('close', (code) => {
      exited = true;
      resolve({ exitCode: code ?? 137 });
    });
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    resize() {},
    result,
    close() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

export function testKubeletFactory(extra: TestKubeletOptions = {}): KubeletFactory {
  return (options) => new TestKubelet(options, extra);
}
