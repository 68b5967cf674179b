// Probes and lifecycle handlers. exec runs in the container itself; httpGet and tcpSocket
// run inside the Pod's network namespace, from the infra container's busybox, so they reach
// exactly what the Pod's containers listen on (there is no other way in: loopback only).

import type Dockerode from 'dockerode';
import type { Container, HTTPGetAction, LifecycleHandler, Probe, TCPSocketAction } from '../k8s-types.js';
import { execCollect } from './engine.js';
import type { NetnsShell } from './netns-shell.js';

export interface HandlerTarget {
  containerId: string;
  /** Runs a busybox applet in the Pod's network namespace. */
  netns: NetnsShell;
  podIP: string;
  spec: Container;
}

export interface HandlerResult { ok: boolean; message: string }

function resolvePort(port: number | string, spec: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return spec.ports?.find((p) => p.name === port)?.containerPort;
}

async function httpGet(target: HandlerTarget, action: HTTPGetAction, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, target.spec);
  if (port === undefined) return { ok: false, message: `unable to find port "${String(action.port)}" in container ${target.spec.name}` };
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const path = action.path ? (action.path.startsWith('/') ? action.path : `/${action.path}`) : '/';
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const headers = (action.httpHeaders ?? []).flatMap((h) => ['--header', `${h.name}: ${h.value}`]);
  const shown = `${scheme}://${target.podIP}:${port}${path}`;
  // Debian's busybox wget crashes with -T, so the shell's timeout bounds it instead.
  const result = await target.netns.run(
    ['wget', '-q', '-O', '/dev/null', '-U', 'kube-probe/1.33', ...(scheme === 'https' ? ['--no-check-certificate'] : []), ...headers, `${scheme}://127.0.0.1:${port}${path}`],
    seconds,
  );
  if (result.exitCode === 0) return { ok: true, message: '' };
  if (result.timedOut || result.exitCode === 143 || /timed out/i.test(result.output)) return { ok: false, message: `Get "${shown}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
  const status = /server returned error: HTTP\/[\d.]+ (\d{3})/.exec(result.output);
  if (status) return { ok: false, message: `HTTP probe failed with statuscode: ${status[1]}` };
  if (/refused/i.test(result.output)) return { ok: false, message: `Get "${shown}": dial tcp ${target.podIP}:${port}: connect: connection refused` };
  return { ok: false, message: `Get "${shown}": ${result.output.trim().replace(/^wget: /, '') || `exit status ${result.exitCode}`}` };
}

async function tcpSocket(target: HandlerTarget, action: TCPSocketAction, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(action.port, target.spec);
  if (port === undefined) return { ok: false, message: `unable to find port "${String(action.port)}" in container ${target.spec.name}` };
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const result = await target.netns.run(['nc', '-w', String(seconds), '127.0.0.1', String(port)], seconds + 1);
  if (result.exitCode === 0) return { ok: true, message: '' };
  if (result.timedOut || result.exitCode === 143) return { ok: false, message: `dial tcp ${target.podIP}:${port}: i/o timeout` };
  return { ok: false, message: `dial tcp ${target.podIP}:${port}: connect: connection refused` };
}

/** Runs one probe or lifecycle action once. */
export async function runHandler(docker: Dockerode, target: HandlerTarget, action: LifecycleHandler | Probe, timeoutMs: number): Promise<HandlerResult> {
  try {
    if (action.exec?.command?.length) {
      const result = await execCollect(docker, target.containerId, action.exec.command, timeoutMs);
      if (result.timedOut) return { ok: false, message: `command ${JSON.stringify(action.exec.command.join(' '))} timed out` };
      return { ok: result.exitCode === 0, message: result.output.trim() };
    }
    if (action.httpGet) return await httpGet(target, action.httpGet, timeoutMs);
    if (action.tcpSocket) return await tcpSocket(target, action.tcpSocket, timeoutMs);
    if ('sleep' in action && action.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(action.sleep!.seconds * 1000, timeoutMs)));
      return { ok: true, message: '' };
    }
    return { ok: false, message: 'no handler specified' };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeCallbacks {
  onStarted(): void;
  onReady(ready: boolean): void;
  onUnhealthy(kind: ProbeKind, message: string): void;
  /** The liveness or startup probe failed `failureThreshold` times in a row: restart the container. */
  onFailed(kind: 'Liveness' | 'Startup'): void;
}

/** The probes of one running container instance. stop() ends them (the instance exited). */
export class ContainerProbes {
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly docker: Dockerode,
    private readonly target: HandlerTarget,
    private readonly callbacks: ProbeCallbacks,
  ) {}

  start(): void {
    const spec = this.target.spec;
    if (spec.startupProbe) this.loop('Startup', spec.startupProbe);
    else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private afterStartup(): void {
    if (this.stopped) return;
    this.callbacks.onStarted();
    const spec = this.target.spec;
    if (spec.livenessProbe) this.loop('Liveness', spec.livenessProbe);
    if (spec.readinessProbe) this.loop('Readiness', spec.readinessProbe);
    else this.callbacks.onReady(true);
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private loop(kind: ProbeKind, probe: Probe): void {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const timeout = (probe.timeoutSeconds ?? 1) * 1000;
    const successThreshold = probe.successThreshold ?? 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    let successes = 0;
    let failures = 0;
    const tick = async () => {
      if (this.stopped) return;
      const result = await runHandler(this.docker, this.target, probe, timeout);
      if (this.stopped) return;
      if (result.ok) {
        failures = 0;
        successes += 1;
        if (successes >= successThreshold || kind !== 'Readiness') {
          if (kind === 'Startup') return this.afterStartup();
          if (kind === 'Readiness') this.callbacks.onReady(true);
        }
      } else {
        successes = 0;
        failures += 1;
        this.callbacks.onUnhealthy(kind, result.message);
        if (failures >= failureThreshold) {
          if (kind === 'Readiness') this.callbacks.onReady(false);
          else {
            this.callbacks.onFailed(kind);
            return;
          }
        }
      }
      this.schedule(period, () => void tick());
    };
    this.schedule((probe.initialDelaySeconds ?? 0) * 1000, () => void tick());
  }
}
