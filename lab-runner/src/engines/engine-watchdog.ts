// Notices a container engine that is up but wedged. Podman 4.3.1 can deadlock its storage
// locks (podman#16062, docs/security/privileges.md): `_ping` still answers, while every call
// that touches storage (a container list, create, remove) hangs for ever. Nothing fails then,
// sandboxes just never come, so the runner says it itself: an engine whose `_ping` answers but
// whose container list has not answered within `wedgeAfterMs` is "wedged", and /healthz,
// /metrics and the admins' fleet page show it.
//
// One list request is in flight at a time: on a wedged engine it stays pending, and later
// rounds wait on the same one instead of piling up more hung requests.

import http from 'node:http';

export type EngineState = 'unknown' | 'ok' | 'wedged' | 'unreachable';

export interface EngineHealth {
  state: EngineState;
  /** When the engine entered this state (ISO time). */
  since: string;
  /** What was seen, for a person: the failing call and how long it has waited. */
  detail: string;
}

export interface EngineWatchdogOptions {
  /** The engine's unix socket. */
  socketPath: string;
  /** A container list slower than this, with `_ping` answering, means wedged. */
  wedgeAfterMs: number;
  /** Pause between rounds. */
  intervalMs: number;
  /** How long `_ping` may take before the engine counts as unreachable. */
  pingTimeoutMs?: number;
  /** Told each change of state (the runner logs it). */
  onChange?: (health: EngineHealth) => void;
}

interface PendingList {
  startedAt: number;
  request: http.ClientRequest;
  done: Promise<string | undefined>;
}

export class EngineWatchdog {
  private current: EngineHealth = { state: 'unknown', since: new Date().toISOString(), detail: 'not checked yet' };
  private pending: PendingList | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(private readonly options: EngineWatchdogOptions) {}

  get health(): EngineHealth {
    return this.current;
  }

  /** Checks now, then again `intervalMs` after each round ends. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    const round = () => {
      void this.check().finally(() => {
        if (this.state === 'running') this.timer = setTimeout(round, this.options.intervalMs).unref();
      });
    };
    round();
  }

  /** Stops the rounds and drops a list still waiting; safe twice. */
  stop(): void {
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.pending?.request.destroy();
    this.pending = undefined;
  }

  /** One round: `_ping`, then the container list, waiting at most until it counts as wedged. */
  async check(): Promise<EngineHealth> {
    const pingTimeoutMs = this.options.pingTimeoutMs ?? Math.min(5_000, this.options.wedgeAfterMs);
    const ping = await this.get('/_ping', pingTimeoutMs);
    if (ping.error !== undefined) return this.set('unreachable', `GET /_ping: ${ping.error}`);
    const pending = (this.pending ??= this.startList());
    const remaining = pending.startedAt + this.options.wedgeAfterMs - Date.now();
    const outcome = await Promise.race([pending.done, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), Math.max(0, remaining)).unref())]);
    if (outcome === 'waiting') {
      const seconds = Math.round((Date.now() - pending.startedAt) / 1000);
      return this.set('wedged', `GET /_ping answers, GET /containers/json has not answered for ${seconds} s`);
    }
    if (this.pending === pending) this.pending = undefined;
    return outcome === undefined ? this.set('ok', 'GET /containers/json answered') : this.set('unreachable', `GET /containers/json: ${outcome}`);
  }

  private set(state: EngineState, detail: string): EngineHealth {
    const changed = state !== this.current.state;
    this.current = { state, since: changed ? new Date().toISOString() : this.current.since, detail };
    if (changed) this.options.onChange?.(this.current);
    return this.current;
  }

  private startList(): PendingList {
    let request!: http.ClientRequest;
    const done = new Promise<string | undefined>((resolve) => {
      request = this.request('/containers/json?all=true&limit=1', resolve);
    });
    return { startedAt: Date.now(), request, done };
  }

  private get(path: string, timeoutMs: number): Promise<{ error?: string }> {
    return new Promise((resolve) => {
      const request = this.request(path, (error) => {
        clearTimeout(timer);
        resolve(error === undefined ? {} : { error });
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref();
    });
  }

  /** GET on the engine's socket; `settle` gets undefined for a 2xx answer read to its end, else why not. */
  private request(path: string, settle: (error: string | undefined) => void): http.ClientRequest {
    let settled = false;
    const once = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      settle(error);
    };
    const request = http.get({ socketPath: this.options.socketPath, path, headers: { host: 'engine' }, agent: false }, (response) => {
      response.resume();
      response.on('end', () => once(response.statusCode !== undefined && response.statusCode < 300 ? undefined : `HTTP ${response.statusCode}`));
      response.on('error', (error) => once(error.message));
    });
    request.on('error', (error) => once(error.message));
    return request;
  }
}
