// Live grading while someone works in a sandbox: the exercise's checks re-run when the
// cluster changes (a watch on Pods and Events), debounced to at most one run every
// `minIntervalMs`, plus a slow periodic run for what no event announces (logs, files).
// Subscribers get every run; the web app still records only explicit runs.

import { Watch } from '@kubernetes/client-node';
import type { Exercise } from '@kubelab/exercise-format';
import type { Logger } from '../log.js';
import type { CheckContext } from './check-context.js';
import type { CheckEngine, CheckRun } from './check-engine.js';
import type { KubeClients } from './kube-clients.js';

export interface LiveCheckSource {
  /** The exercise to grade and how to reach the sandbox; undefined when it is not ready. */
  target(sandboxId: string): Promise<{ exercise: Exercise; clients: KubeClients; context: CheckContext } | undefined>;
}

export interface LiveChecksOptions {
  engine: CheckEngine;
  source: LiveCheckSource;
  logger: Logger;
  minIntervalMs?: number;
  periodicMs?: number;
}

type Listener = (run: CheckRun) => void;

class SandboxWatcher {
  readonly listeners = new Set<Listener>();
  last: CheckRun | undefined;
  private running = false;
  private dirty = false;
  private lastRunAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private readonly watches: AbortController[] = [];
  private active = true;

  constructor(
    private readonly sandboxId: string,
    private readonly options: Required<Pick<LiveChecksOptions, 'minIntervalMs' | 'periodicMs'>> & LiveChecksOptions,
  ) {}

  async start(): Promise<void> {
    this.schedule();
    this.periodic = setInterval(() => this.schedule(), this.options.periodicMs);
    this.periodic.unref();
    const target = await this.options.source.target(this.sandboxId);
    if (!target || !this.active) return;
    for (const path of ['/api/v1/pods', '/api/v1/events']) this.watch(target.clients, path);
  }

  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    clearInterval(this.periodic);
    for (const watch of this.watches.splice(0)) watch.abort();
  }

  /** Asks for a run: now if the last one is old enough, else when it is. */
  schedule(): void {
    if (!this.active) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastRunAt + this.options.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (!this.active) return;
    this.running = true;
    this.dirty = false;
    try {
      const target = await this.options.source.target(this.sandboxId);
      if (!target) return;
      const run = await this.options.engine.run(target.exercise, target.context, 'live');
      if (!this.active) return;
      this.last = run;
      for (const listener of this.listeners) listener(run);
    } catch (error) {
      this.options.logger.warn('live_checks_failed', { sandbox: this.sandboxId, error });
    } finally {
      this.lastRunAt = Date.now();
      this.running = false;
      if (this.dirty) this.schedule();
    }
  }

  private watch(clients: KubeClients, path: string): void {
    if (!this.active) return;
    const restart = () => {
      if (this.active) setTimeout(() => this.watch(clients, path), 1000).unref();
    };
    new Watch(clients.config)
      .watch(path, {}, () => this.schedule(), restart)
      .then((controller) => {
        if (this.active) this.watches.push(controller);
        else controller.abort();
      })
      .catch(restart);
  }
}

export class LiveChecks {
  private readonly watchers = new Map<string, SandboxWatcher>();

  constructor(private readonly options: LiveChecksOptions) {}

  /** Delivers every live run for the sandbox (the latest one at once, if any) until unsubscribed. */
  subscribe(sandboxId: string, listener: Listener): () => void {
    let watcher = this.watchers.get(sandboxId);
    if (!watcher) {
      watcher = new SandboxWatcher(sandboxId, { minIntervalMs: 2000, periodicMs: 15_000, ...this.options });
      this.watchers.set(sandboxId, watcher);
      void watcher.start();
    } else if (watcher.last) {
      listener(watcher.last);
    }
    watcher.listeners.add(listener);
    const current = watcher;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.watchers.get(sandboxId) === current) {
        current.stop();
        this.watchers.delete(sandboxId);
      }
    };
  }

  /** Stops watching a sandbox (it was deleted). */
  drop(sandboxId: string): void {
    this.watchers.get(sandboxId)?.stop();
    this.watchers.delete(sandboxId);
  }

  stop(): void {
    for (const watcher of this.watchers.values()) watcher.stop();
    this.watchers.clear();
  }

  get watching(): number {
    return this.watchers.size;
  }
}
