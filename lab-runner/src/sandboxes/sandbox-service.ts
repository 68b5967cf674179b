// Sandbox lifecycle: create (from the warm pool when possible), ownership, capacity limits,
// idle timeout and maximum lifetime, delete, and recovery after a runner restart. The one
// place where sandbox state changes; everything else asks it.

import type { Exercise } from '@kubelab/exercise-format';
import { errorMessage, RunnerError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RunnerMetrics } from '../metrics.js';
import { kubeClients, type KubeClients } from '../checks/kube-clients.js';
import { ProviderError, type Provider, type SandboxEndpoint } from '../providers/provider.js';
import { applySetup } from './exercise-setup.js';
import { expiryOf, newSandboxId, toView, type EndReason, type SandboxRecord, type SandboxState, type SandboxTimeouts, type SandboxView } from './sandbox.js';
import type { SandboxStore } from './sandbox-store.js';

export interface SandboxServiceOptions {
  provider: Provider;
  store: SandboxStore;
  logger: Logger;
  metrics: RunnerMetrics;
  timeouts: SandboxTimeouts;
  maxSandboxes: number;
  maxSandboxesPerOwner: number;
  warmPoolSize: number;
  /** This runner's sandbox id prefix (orphan removal is limited to it). */
  idPrefix: string;
  reapIntervalMs?: number;
}

export interface CreateRequest {
  owner: string;
  exerciseId: string | null;
  exercise: Exercise;
}

export type SandboxEvent = { type: 'changed'; sandbox: SandboxView } | { type: 'ended'; sandbox: SandboxView };

const LIVE: ReadonlySet<SandboxState> = new Set(['provisioning', 'ready']);
const TOMBSTONES = 500;
/** Activity is persisted at most this often (a keystroke must not write a file). */
const ACTIVITY_SAVE_MS = 30_000;

export class SandboxService {
  private readonly recordsById = new Map<string, SandboxRecord>();
  private readonly ended = new Map<string, SandboxRecord>();
  private readonly clients = new Map<string, KubeClients>();
  private readonly listeners = new Set<(event: SandboxEvent) => void>();
  private readonly inflight = new Set<TrackedController>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly deleting = new Map<string, Promise<void>>();
  private readonly lastSavedActivity = new Map<string, number>();
  private reaper: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SandboxServiceOptions) {}

  get providerName(): string {
    return this.options.provider.name;
  }

  /** Starts the provider, restores records, removes orphans, starts the reaper and fills the pool. */
  async start(): Promise<void> {
    const { provider, store, logger } = this.options;
    await provider.start();
    const held = new Set(await provider.list());
    for (const record of await store.load()) {
      if (record.state === 'ready' && held.has(record.id)) {
        this.recordsById.set(record.id, record);
        continue;
      }
      // Interrupted creates and deletes, or sandboxes whose cluster is gone: finish them off.
      const reason: EndReason = record.state === 'provisioning' ? 'interrupted' : (record.endReason ?? 'deleted');
      logger.warn('sandbox_not_restored', { sandbox: record.id, state: record.state, reason });
      await provider.delete(record.id).catch((error: unknown) => logger.error('sandbox_cleanup_failed', { sandbox: record.id, error }));
      await store.remove(record.id);
      this.remember({ ...record, state: 'deleted', endReason: reason });
    }
    const orphans = await provider.removeOrphans(new Set(this.recordsById.keys()));
    if (orphans.length > 0) logger.warn('orphans_removed', { sandboxes: orphans });
    this.state = 'running';
    this.updateGauge();
    logger.info('sandboxes_restored', { count: this.recordsById.size });
    this.reaper = setInterval(() => void this.reap(), this.options.reapIntervalMs ?? 10_000);
    this.reaper.unref();
    this.fillPool();
  }

  /** Aborts in-flight creates (they roll back), stops the reaper and the provider. Sandboxes keep running. Safe twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      clearInterval(this.reaper);
      for (const controller of this.inflight) controller.abort(new RunnerError('shutting_down', 'the runner is shutting down'));
      await this.filling?.catch(() => undefined);
      await Promise.allSettled([...this.deleting.values()]);
      await this.waitInflight();
      await this.options.provider.stop();
      this.state = 'stopped';
    })();
    return this.stopping;
  }

  /** Subscribes to sandbox changes; returns the unsubscribe function. */
  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates a sandbox for `owner` with the exercise's setup applied; resolves when it is ready. */
  async create(request: CreateRequest, signal?: AbortSignal): Promise<SandboxView> {
    this.requireRunning();
    // Nobody is waiting any more (the client hung up before the create began): build nothing.
    if (signal?.aborted) throw abortReason(signal);
    const started = performance.now();
    const { maxSandboxesPerOwner, maxSandboxes } = this.options;
    const owned = [...this.recordsById.values()].filter((r) => r.owner === request.owner && LIVE.has(r.state)).length;
    if (owned >= maxSandboxesPerOwner) {
      throw new RunnerError('owner_limit_reached', `owner already has ${owned} sandboxes (limit ${maxSandboxesPerOwner}); delete one first`, {
        limit: maxSandboxesPerOwner,
      });
    }
    const now = new Date().toISOString();
    const warm = [...this.recordsById.values()].find((r) => r.owner === null && r.state === 'ready');
    let record: SandboxRecord;
    if (warm) {
      // Claim synchronously so two creates never get the same warm sandbox.
      record = warm;
      Object.assign(record, { owner: request.owner, exerciseId: request.exerciseId, exercise: request.exercise, assignedAt: now, lastActiveAt: now });
      record.history.push({ state: 'provisioning', at: now });
      record.state = 'provisioning';
    } else {
      if (this.live().length >= maxSandboxes) {
        throw new RunnerError('at_capacity', `the runner is at capacity (${maxSandboxes} sandboxes); try again later`, { limit: maxSandboxes });
      }
      record = {
        id: newSandboxId(this.options.idPrefix),
        owner: request.owner,
        exerciseId: request.exerciseId,
        exercise: request.exercise,
        provider: this.options.provider.name,
        state: 'provisioning',
        history: [{ state: 'provisioning', at: now }],
        createdAt: now,
        assignedAt: now,
        lastActiveAt: now,
      };
      this.recordsById.set(record.id, record);
    }
    const controller = this.track(signal);
    controller.assign(record.id);
    try {
      await this.options.store.save(record);
      this.emitChanged(record);
      if (!warm) await this.provision(record, controller.signal);
      await applySetup(this.options.provider, record.id, this.clientsFor(await this.endpointOf(record.id)), request.exercise.setup, controller.signal);
      controller.signal.throwIfAborted();
      // The idle clock starts when the learner can use the sandbox, not when they asked for it:
      // a slow create must not eat the idle window.
      record.lastActiveAt = new Date().toISOString();
      this.transition(record, 'ready', record.lastActiveAt);
      await this.options.store.save(record);
      this.options.metrics.createSeconds.observe({ source: warm ? 'warm' : 'cold' }, (performance.now() - started) / 1000);
      this.options.logger.info('sandbox_created', { sandbox: record.id, owner: record.owner, exercise: record.exerciseId, warm: Boolean(warm), ms: Math.round(performance.now() - started) });
      return toView(record, this.options.timeouts);
    } catch (error) {
      const aborted = controller.signal.aborted;
      const failure = aborted ? abortReason(controller.signal) : asCreateError(error);
      this.options.logger.warn('sandbox_create_failed', { sandbox: record.id, code: failure.code, error: failure.message });
      record.error = { code: failure.code, message: failure.message };
      await this.remove(record, aborted ? 'create_aborted' : 'create_failed', 'failed');
      throw failure;
    } finally {
      this.untrack(controller);
      if (warm) this.fillPool();
    }
  }

  /** Live records by id (read-only use). */
  records(): ReadonlyMap<string, SandboxRecord> {
    return this.recordsById;
  }

  get(id: string): SandboxView {
    return toView(this.record(id), this.options.timeouts);
  }

  /** A live or recently ended sandbox; throws sandbox_not_found otherwise. */
  record(id: string): SandboxRecord {
    const record = this.recordsById.get(id) ?? this.ended.get(id);
    if (!record || record.owner === null) throw new RunnerError('sandbox_not_found', `no sandbox "${id}"`);
    return record;
  }

  /** Throws forbidden unless `owner` (when given) owns the sandbox. */
  authorize(id: string, owner: string | undefined): SandboxRecord {
    const record = this.record(id);
    if (owner !== undefined && record.owner !== owner) throw new RunnerError('forbidden', `sandbox "${id}" belongs to another owner`);
    return record;
  }

  /** A ready sandbox, or sandbox_not_ready / sandbox_not_found. */
  ready(id: string, owner?: string): SandboxRecord {
    const record = this.authorize(id, owner);
    if (record.state !== 'ready') throw new RunnerError('sandbox_not_ready', `sandbox "${id}" is ${record.state}`);
    return record;
  }

  list(filter: { owner?: string } = {}): SandboxView[] {
    return [...this.recordsById.values()]
      .filter((r) => r.owner !== null && (filter.owner === undefined || r.owner === filter.owner))
      .map((r) => toView(r, this.options.timeouts));
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = { provisioning: 0, ready: 0, deleting: 0, warm: 0 };
    for (const record of this.recordsById.values()) {
      const key = record.owner === null && record.state === 'ready' ? 'warm' : record.state;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  async endpoint(id: string): Promise<SandboxEndpoint> {
    this.ready(id);
    return this.endpointOf(id);
  }

  async kubeClients(id: string): Promise<KubeClients> {
    return this.clientsFor(await this.endpoint(id));
  }

  get provider(): Provider {
    return this.options.provider;
  }

  /** Records activity (shell input, checks): pushes the idle deadline out, and says so to listeners (the pages' countdowns). */
  touch(id: string): void {
    const record = this.recordsById.get(id);
    if (!record || record.state !== 'ready') return;
    record.lastActiveAt = new Date().toISOString();
    this.emitChanged(record);
    const last = this.lastSavedActivity.get(id) ?? 0;
    if (Date.now() - last < ACTIVITY_SAVE_MS) return;
    this.lastSavedActivity.set(id, Date.now());
    void this.options.store.save(record).catch((error: unknown) => this.options.logger.error('sandbox_save_failed', { sandbox: id, error }));
  }

  /** Resets the idle timer (never beyond the maximum lifetime) and persists it. */
  async extend(id: string, owner?: string): Promise<SandboxView> {
    const record = this.ready(id, owner);
    record.lastActiveAt = new Date().toISOString();
    await this.options.store.save(record);
    this.emitChanged(record);
    return toView(record, this.options.timeouts);
  }

  /** Deletes the sandbox and everything in it. Idempotent while the record is known. */
  async delete(id: string, owner?: string, reason: EndReason = 'deleted'): Promise<SandboxView> {
    const record = this.authorize(id, owner);
    if (record.state === 'deleted' || record.state === 'failed') return toView(record, this.options.timeouts);
    if (record.state === 'provisioning') {
      // A create is running: abort it; its rollback removes the sandbox.
      for (const controller of this.inflight) if (controller.sandboxId === id) controller.abort(new RunnerError('sandbox_not_found', 'deleted while being created'));
    }
    await this.remove(record, reason, 'deleted');
    return toView(this.ended.get(id) ?? record, this.options.timeouts);
  }

  private async provision(record: SandboxRecord, signal: AbortSignal): Promise<void> {
    try {
      await this.options.provider.create(record.id, { signal, label: record.id });
    } catch (error) {
      this.options.metrics.engineErrors.inc({ operation: 'create' });
      throw error;
    }
  }

  private async remove(record: SandboxRecord, reason: EndReason, final: 'deleted' | 'failed'): Promise<void> {
    const existing = this.deleting.get(record.id);
    if (existing) return existing;
    const run = (async () => {
      // The reason first: the `deleting` change is the last a terminal hears before its shell goes.
      record.endReason = reason;
      this.transition(record, 'deleting');
      await this.options.store.save(record).catch(() => undefined);
      try {
        await this.options.provider.delete(record.id);
      } catch (error) {
        this.options.metrics.engineErrors.inc({ operation: 'delete' });
        this.options.logger.error('sandbox_delete_failed', { sandbox: record.id, error });
        throw new RunnerError('provider_failed', `deleting sandbox ${record.id} failed: ${errorMessage(error)}`);
      }
      this.transition(record, final);
      this.recordsById.delete(record.id);
      this.clients.delete(record.id);
      this.lastSavedActivity.delete(record.id);
      await this.options.store.remove(record.id);
      this.remember(record);
      this.options.logger.info('sandbox_ended', { sandbox: record.id, reason });
      for (const listener of this.listeners) listener({ type: 'ended', sandbox: toView(record, this.options.timeouts) });
      this.updateGauge();
      this.fillPool();
    })();
    this.deleting.set(record.id, run);
    try {
      await run;
    } finally {
      this.deleting.delete(record.id);
    }
  }

  private async reap(): Promise<void> {
    const now = Date.now();
    for (const record of [...this.recordsById.values()]) {
      if (record.owner === null || record.state !== 'ready') continue;
      const expiry = expiryOf(record, this.options.timeouts);
      if (expiry.expiresAt.getTime() > now) continue;
      const reason: EndReason = expiry.maxExpiresAt.getTime() <= now ? 'max_lifetime' : 'idle_timeout';
      await this.remove(record, reason, 'deleted').catch((error: unknown) => this.options.logger.error('sandbox_reap_failed', { sandbox: record.id, error }));
    }
  }

  /** Tops the warm pool up to its size, one sandbox at a time, within the global capacity. */
  private fillPool(): void {
    if (this.filling || this.state !== 'running') return;
    this.filling = (async () => {
      while (this.state === 'running') {
        const warm = [...this.recordsById.values()].filter((r) => r.owner === null).length;
        if (warm >= this.options.warmPoolSize || this.live().length >= this.options.maxSandboxes) break;
        if (!(await this.createWarm())) break;
      }
    })().finally(() => {
      this.filling = undefined;
    });
  }

  private async createWarm(): Promise<boolean> {
    const now = new Date().toISOString();
    const record: SandboxRecord = {
      id: newSandboxId(this.options.idPrefix),
      owner: null,
      exerciseId: null,
      exercise: null,
      provider: this.options.provider.name,
      state: 'provisioning',
      history: [{ state: 'provisioning', at: now }],
      createdAt: now,
      assignedAt: null,
      lastActiveAt: now,
    };
    this.recordsById.set(record.id, record);
    const controller = this.track(undefined);
    controller.assign(record.id);
    try {
      await this.options.store.save(record);
      await this.provision(record, controller.signal);
      if (record.state !== 'provisioning') return false;
      this.transition(record, 'ready');
      await this.options.store.save(record);
      this.options.logger.info('warm_sandbox_ready', { sandbox: record.id });
      return true;
    } catch (error) {
      this.options.logger.warn('warm_sandbox_failed', { sandbox: record.id, error });
      await this.remove(record, controller.signal.aborted ? 'create_aborted' : 'create_failed', 'failed').catch(() => undefined);
      return false;
    } finally {
      this.untrack(controller);
    }
  }

  private live(): SandboxRecord[] {
    return [...this.recordsById.values()].filter((r) => LIVE.has(r.state));
  }

  private async endpointOf(id: string): Promise<SandboxEndpoint> {
    const endpoint = await this.options.provider.get(id);
    if (!endpoint) throw new RunnerError('provider_failed', `the provider has no sandbox ${id}`);
    return endpoint;
  }

  private clientsFor(endpoint: SandboxEndpoint): KubeClients {
    let clients = this.clients.get(endpoint.id);
    if (!clients) {
      clients = kubeClients(endpoint.kubeconfig);
      this.clients.set(endpoint.id, clients);
    }
    return clients;
  }

  private transition(record: SandboxRecord, state: SandboxState, at = new Date().toISOString()): void {
    record.state = state;
    record.history.push({ state, at });
    this.emitChanged(record);
  }

  private emitChanged(record: SandboxRecord): void {
    this.updateGauge();
    if (record.owner === null) return;
    const view = toView(record, this.options.timeouts);
    for (const listener of this.listeners) listener({ type: 'changed', sandbox: view });
  }

  private updateGauge(): void {
    const gauge = this.options.metrics.sandboxesByState;
    for (const [state, count] of Object.entries(this.counts())) gauge.set({ state }, count);
  }

  private remember(record: SandboxRecord): void {
    if (record.owner === null) return;
    this.ended.set(record.id, record);
    if (this.ended.size > TOMBSTONES) this.ended.delete(this.ended.keys().next().value as string);
  }

  private requireRunning(): void {
    if (this.state !== 'running') throw new RunnerError('shutting_down', 'the runner is not accepting new sandboxes');
  }

  private track(signal: AbortSignal | undefined): TrackedController {
    const controller = new TrackedController();
    if (signal) {
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    this.inflight.add(controller);
    return controller;
  }

  private untrack(controller: TrackedController): void {
    this.inflight.delete(controller);
    if (this.inflight.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private waitInflight(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

class TrackedController extends AbortController {
  sandboxId: string | undefined;
  assign(id: string): void {
    this.sandboxId = id;
  }
}

function abortReason(signal: AbortSignal): RunnerError {
  const reason: unknown = signal.reason;
  if (reason instanceof RunnerError) return reason;
  return new RunnerError('bad_request', 'the client went away while the sandbox was being created');
}

function asCreateError(error: unknown): RunnerError {
  if (error instanceof RunnerError) return error;
  if (error instanceof ProviderError) return new RunnerError('provider_failed', error.message);
  return new RunnerError('provider_failed', `creating the sandbox failed: ${errorMessage(error)}`);
}
