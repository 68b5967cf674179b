// The typed client of the lab-runner's HTTP API. Server-side only: it carries RUNNER_TOKEN,
// which never reaches a browser (the browser gets one-use shell ticket URLs instead).
import type { z } from 'zod';
import {
  capacitySchema,
  checkRunSchema,
  healthSchema,
  fleetSchema,
  type RunnerFleet,
  sandboxListSchema,
  errorBodySchema,
  previewSchema,
  sandboxViewSchema,
  shellTicketSchema,
  type RunnerCapacity,
  type RunnerCheckRun,
  type RunnerSandbox,
  type RunnerWorkloads,
  workloadsSchema,
} from './wire';

/** An exercise as the runner accepts it: an id from exercises/, or a whole spec. */
export type RunnerExercise = string | Record<string, unknown>;

const sandboxPath = (id: string) => `/v1/sandboxes/${encodeURIComponent(id)}`;

// Next's server build can hold two copies of this module (one per chunk that imports it), and an
// error made by one copy is not an `instanceof` the other's class: a route then rethrew the
// registry's 410 sandbox_lost as a 500. The brand lives under a registry symbol, shared by copies.
const BRAND = Symbol.for('kubelab.RunnerClientError');

export class RunnerClientError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;

  constructor(
    /** The runner's error code (e.g. sandbox_not_found, owner_limit_reached), or runner_unreachable / runner_bad_reply. */
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunnerClientError';
  }
}

export interface RunnerClientOptions {
  baseUrl: string;
  token: string;
  /** Per request; sandbox creation gets `createTimeoutMs`. */
  timeoutMs?: number;
  createTimeoutMs?: number;
}

export class RunnerClient {
  constructor(private readonly options: RunnerClientOptions) {}

  /**
   * Creates a sandbox for `owner` (an opaque user id) with `exercise`: an id from exercises/ or
   * a whole spec (a browser-made exercise, an instructor's draft).
   */
  createSandbox(owner: string, exercise: RunnerExercise): Promise<RunnerSandbox> {
    return this.request('POST', '/v1/sandboxes', sandboxViewSchema, { owner, exercise }, this.options.createTimeoutMs ?? 180_000);
  }

  /** The owner's sandboxes (including ones still provisioning), as the runner sees them now. */
  async listSandboxes(owner: string): Promise<(RunnerSandbox & { exercise?: string | null })[]> {
    return (await this.request('GET', `/v1/sandboxes?owner=${encodeURIComponent(owner)}`, sandboxListSchema)).sandboxes;
  }

  // Every call below names the owner too: the runner refuses (forbidden) a sandbox of another
  // owner, a second guard behind the web app's own ownership check.

  getSandbox(id: string, owner: string): Promise<RunnerSandbox> {
    return this.request('GET', `${sandboxPath(id)}?owner=${encodeURIComponent(owner)}`, sandboxViewSchema);
  }

  deleteSandbox(id: string, owner: string): Promise<RunnerSandbox> {
    return this.request('DELETE', `${sandboxPath(id)}?owner=${encodeURIComponent(owner)}`, sandboxViewSchema);
  }

  /** Ends anyone's sandbox for an admin: the runner records "ended_by_admin", which the learner's page shows. */
  terminateSandbox(id: string): Promise<RunnerSandbox> {
    return this.request('DELETE', `${sandboxPath(id)}?reason=ended_by_admin`, sandboxViewSchema);
  }

  /** Every owned sandbox with its CPU and memory use (the admins' fleet view). */
  fleet(): Promise<RunnerFleet> {
    return this.request('GET', '/v1/fleet', fleetSchema);
  }

  /** Liveness and free capacity, asked together with a short timeout: what registration records. */
  async capacity(): Promise<RunnerCapacity> {
    const [, capacity] = await Promise.all([
      this.request('GET', '/healthz', healthSchema, undefined, 5_000),
      this.request('GET', '/v1/capacity', capacitySchema, undefined, 5_000),
    ]);
    return capacity;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The runner's Prometheus metrics as text (sent with the token, which /metrics may require). */
  async metricsText(): Promise<string> {
    return (await this.send('GET', '/metrics', undefined, 5_000)).text();
  }

  /** Pushes the idle deadline out (never past the maximum lifetime). */
  extendSandbox(id: string, owner: string): Promise<RunnerSandbox> {
    return this.request('POST', `${sandboxPath(id)}/extend`, sandboxViewSchema, { owner });
  }

  /** The authoritative check run, against `exercise` (an id or a whole spec). */
  runChecks(id: string, owner: string, exercise: RunnerExercise): Promise<RunnerCheckRun> {
    return this.request('POST', `${sandboxPath(id)}/checks`, checkRunSchema, { owner, exercise }, 120_000);
  }

  /**
   * "Prove it": exercises:verify on a fresh sandbox. Resolves once the runner answered; the body
   * streams one JSON event per line until {type: "done"}. Aborting `signal` stops the proof.
   */
  async prove(owner: string, exercise: RunnerExercise, signal: AbortSignal, stepTimeoutSeconds?: number): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('POST', '/v1/proofs', { owner, exercise, ...(stepTimeoutSeconds ? { stepTimeoutSeconds } : {}) }, undefined, signal);
    if (!response.body) throw new RunnerClientError('runner_bad_reply', 502, 'the runner answered POST /v1/proofs without a body');
    return response.body;
  }

  /** A one-use, short-lived WebSocket URL for terminal `terminal` of the sandbox. */
  async shellTicket(id: string, owner: string, terminal: string): Promise<string> {
    const reply = await this.request('POST', `${sandboxPath(id)}/shell-tickets`, shellTicketSchema, { owner, terminal });
    return reply.url;
  }

  /** A one-use URL that opens, in the browser that follows it, what `port` of a Pod serves. */
  async preview(id: string, owner: string, target: { namespace: string; pod: string; port: number }): Promise<string> {
    return (await this.request('POST', `${sandboxPath(id)}/previews`, previewSchema, { owner, ...target })).url;
  }

  /** The sandbox's Pods and containers with their states (the live panel). */
  workloads(id: string, owner: string): Promise<RunnerWorkloads> {
    return this.request('GET', `${sandboxPath(id)}/workloads?owner=${encodeURIComponent(owner)}`, workloadsSchema);
  }

  private async request<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown, timeoutMs?: number): Promise<z.output<T>> {
    const response = await this.send(method, path, body, timeoutMs);
    const json: unknown = await response.json().catch(() => undefined);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new RunnerClientError('runner_bad_reply', 502, `the runner answered ${method} ${path} with an unexpected body: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data;
  }

  private async send(method: string, path: string, body?: unknown, timeoutMs?: number, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A stream's caller owns its lifetime (`signal`); every other call has a timeout.
        signal: signal ?? AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 15_000),
        cache: 'no-store',
      });
    } catch (error) {
      throw new RunnerClientError('runner_unreachable', 503, `the lab runner at ${this.options.baseUrl} did not answer ${method} ${path}`, { cause: error });
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let parsed: z.infer<typeof errorBodySchema> | undefined;
    try {
      parsed = errorBodySchema.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    throw new RunnerClientError(parsed?.error.code ?? `http_${response.status}`, response.status, parsed?.error.message ?? `the runner answered ${response.status} to ${method} ${path}`);
  }
}
