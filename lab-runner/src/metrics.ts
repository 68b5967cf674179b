// Prometheus metrics of one runner. A registry per runner (not prom-client's global one) so
// several runners in one test process do not collide.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineHealth } from './engines/engine-watchdog.js';

export interface RunnerMetrics {
  registry: Registry;
  sandboxesByState: Gauge<'state'>;
  createSeconds: Histogram<'source'>;
  checkSeconds: Histogram<'kind'>;
  checkRunSeconds: Histogram<'trigger'>;
  openShells: Gauge;
  /** Bytes queued on shell WebSockets, read from `setShellBufferSource` at scrape time. */
  shellBufferedBytes: Gauge;
  setShellBufferSource(source: () => number): void;
  /** Shells running (attached, or waiting for their browser), read from `setShellSessionSource` at scrape time. */
  shellSessions: Gauge;
  setShellSessionSource(source: () => number): void;
  engineErrors: Counter<'operation'>;
  /** Sandbox creates that failed (not those the client aborted). */
  createFailures: Counter;
  /** The most sandboxes this runner holds at once, and the warm pool size it keeps. */
  capacity: Gauge<'limit'>;
  httpRequests: Counter<'method' | 'status'>;
  /** 1 while the engine is wedged (engines/engine-watchdog.ts), read from `setEngineSource` at scrape time. */
  engineWedged: Gauge;
  setEngineSource(source: () => EngineHealth): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): RunnerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'kubelab_runner_' });
  const registers = [registry];
  let shellBuffer: () => number = () => 0;
  let shellSessions: () => number = () => 0;
  let engine: (() => EngineHealth) | undefined;
  return {
    engineWedged: new Gauge({
      name: 'kubelab_engine_wedged',
      help: "1 while the container engine answers _ping but not a container list within RUNNER_ENGINE_WEDGE_SECONDS",
      registers,
      collect() {
        this.set(engine?.().state === 'wedged' ? 1 : 0);
      },
    }),
    setEngineSource: (source) => {
      engine = source;
    },
    shellSessions: new Gauge({
      name: 'kubelab_shell_sessions',
      help: 'Shells running in toolboxes, attached to a browser or waiting for one to come back',
      registers,
      collect() {
        this.set(shellSessions());
      },
    }),
    setShellSessionSource: (source) => {
      shellSessions = source;
    },
    shellBufferedBytes: new Gauge({
      name: 'kubelab_shell_buffered_bytes',
      help: 'Terminal output queued on shell WebSockets (bounded by back-pressure)',
      registers,
      collect() {
        this.set(shellBuffer());
      },
    }),
    setShellBufferSource: (source) => {
      shellBuffer = source;
    },
    registry,
    sandboxesByState: new Gauge({ name: 'kubelab_sandboxes', help: 'Sandboxes by lifecycle state', labelNames: ['state'], registers }),
    createSeconds: new Histogram({
      name: 'kubelab_sandbox_create_seconds',
      help: 'Time from POST /v1/sandboxes to a ready sandbox, by where it came from (warm pool or cold)',
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40],
      registers,
    }),
    checkSeconds: new Histogram({
      name: 'kubelab_check_seconds',
      help: 'Time to evaluate one check, by kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    checkRunSeconds: new Histogram({
      name: 'kubelab_check_run_seconds',
      help: "Time to evaluate all of an exercise's checks, by trigger (request or live)",
      labelNames: ['trigger'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    openShells: new Gauge({ name: 'kubelab_open_shells', help: 'Shell WebSockets currently open', registers }),
    engineErrors: new Counter({
      name: 'kubelab_engine_errors_total',
      help: 'Failures of the container engine or cluster host, by operation',
      labelNames: ['operation'],
      registers,
    }),
    createFailures: new Counter({ name: 'kubelab_sandbox_create_failures_total', help: 'Sandbox creates that failed (client aborts not counted)', registers }),
    capacity: new Gauge({
      name: 'kubelab_sandbox_capacity',
      help: 'Configured capacity: max_sandboxes (live sandboxes at once) and warm_pool (kept ready)',
      labelNames: ['limit'],
      registers,
    }),
    httpRequests: new Counter({ name: 'kubelab_http_requests_total', help: 'HTTP requests served', labelNames: ['method', 'status'], registers }),
  };
}
