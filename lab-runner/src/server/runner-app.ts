// Assembles one runner: sandbox service, check engine, live checks, shell gateway and the
// HTTP server with its routes. Used by main.ts and by tests that want a whole runner on port 0.

import path from 'node:path';
import { CheckEngine } from '../checks/check-engine.js';
import { LiveChecks } from '../checks/live-checks.js';
import type { RunnerConfig } from '../config.js';
import { ExerciseCatalog } from '../exercises/exercise-catalog.js';
import type { Logger } from '../log.js';
import { EngineWatchdog } from '../engines/engine-watchdog.js';
import { createMetrics, type RunnerMetrics } from '../metrics.js';
import type { Provider } from '../providers/provider.js';
import { PreviewGateway } from '../preview/preview-gateway.js';
import { SandboxService } from '../sandboxes/sandbox-service.js';
import { SandboxStore } from '../sandboxes/sandbox-store.js';
import { Scrollbacks } from '../shell/scrollback.js';
import { ShellGateway } from '../shell/shell-gateway.js';
import { healthRoutes } from './health-routes.js';
import { RunnerServer } from './runner-server.js';
import { sandboxRoutes } from './sandbox-routes.js';
import { Tickets, type ShellGrant } from './tickets.js';

export interface Runner {
  readonly url: string;
  readonly port: number;
  readonly metrics: RunnerMetrics;
  readonly sandboxes: SandboxService | undefined;
  /** Stops the server (drains requests, closes shells), then the sandbox service. Safe twice. */
  stop(): Promise<void>;
}

export interface RunnerParts {
  /** Without a provider the runner serves only /healthz and /metrics (sandboxes answer 404). */
  provider?: Provider;
  /** Sandbox id prefix; tests use a unique one per run so they only ever touch their own. */
  idPrefix?: string;
  /** The shell tickets' clock (tests of expiry age tickets with it instead of a short TTL and a sleep). */
  ticketClock?: () => number;
  reapIntervalMs?: number;
  /** Overrides the configured idle timeout and maximum lifetime (tests of expiry). */
  timeouts?: { idleSeconds: number; maxLifetimeSeconds: number };
  liveCheckIntervalMs?: number;
  heartbeatMs?: number;
  /** Watches the engine for wedges; by default one on the configured engine when there is a provider. */
  engineWatchdog?: EngineWatchdog;
}

/** Pause between the engine watchdog's rounds. */
const ENGINE_WATCH_INTERVAL_MS = 10_000;

export async function startRunner(config: RunnerConfig, logger: Logger, parts: RunnerParts = {}): Promise<Runner> {
  const metrics = createMetrics();
  const watchdog =
    parts.engineWatchdog ??
    (parts.provider
      ? new EngineWatchdog({
          socketPath: config.dockerSocketPath,
          wedgeAfterMs: config.engineWedgeSeconds * 1000,
          intervalMs: ENGINE_WATCH_INTERVAL_MS,
          onChange: (health) => {
            if (health.state === 'ok') logger.info('engine_state', { ...health });
            else logger.warn('engine_state', { ...health });
          },
        })
      : undefined);
  const engineHealth = watchdog && (() => watchdog.health);
  if (engineHealth) metrics.setEngineSource(engineHealth);
  let sandboxes: SandboxService | undefined;
  let gateway: ShellGateway | undefined;
  let previews: PreviewGateway | undefined;
  let liveChecks: LiveChecks | undefined;
  const routes = [];
  let server: RunnerServer | undefined;
  const scrollbackDir = path.join(config.stateDir, 'scrollback');
  let saveScrollbacks: (() => Promise<void>) | undefined;

  if (parts.provider) {
    sandboxes = new SandboxService({
      provider: parts.provider,
      store: new SandboxStore(config.stateDir, logger),
      logger,
      metrics,
      timeouts: parts.timeouts ?? { idleSeconds: config.idleTimeoutSeconds, maxLifetimeSeconds: config.maxLifetimeSeconds },
      maxSandboxes: config.maxSandboxes,
      maxSandboxesPerOwner: config.maxSandboxesPerOwner,
      warmPoolSize: config.warmPoolSize,
      idPrefix: parts.idPrefix ?? 'sb-',
      ...(parts.reapIntervalMs !== undefined ? { reapIntervalMs: parts.reapIntervalMs } : {}),
    });
    const service = sandboxes;
    await service.start();
    const engine = new CheckEngine({ metrics, logger });
    liveChecks = new LiveChecks({
      engine,
      logger,
      ...(parts.liveCheckIntervalMs !== undefined ? { minIntervalMs: parts.liveCheckIntervalMs } : {}),
      source: {
        target: async (id) => {
          const record = service.records().get(id);
          if (!record || record.state !== 'ready' || !record.exercise) return undefined;
          const clients = await service.kubeClients(id);
          return { exercise: record.exercise, clients, context: { clients, readNodeFile: (path) => service.provider.readNodeFile(id, path) } };
        },
      },
    });
    const tickets = new Tickets<ShellGrant>(config.shellTicketTtlSeconds * 1000, parts.ticketClock);
    const scrollbacks = new Scrollbacks(config.scrollbackBytes);
    await scrollbacks.load(scrollbackDir, new Set(service.records().keys()));
    saveScrollbacks = () => scrollbacks.save(scrollbackDir);
    gateway = new ShellGateway({
      sandboxes: service,
      tickets,
      scrollbacks,
      liveChecks,
      allowedOrigins: config.allowedOrigins,
      logger,
      metrics,
      shellGraceMs: config.shellGraceSeconds * 1000,
      ...(parts.heartbeatMs !== undefined ? { heartbeatMs: parts.heartbeatMs } : {}),
    });
    previews = new PreviewGateway({
      sandboxes: service,
      logger: logger.child({ component: 'previews' }),
      ticketTtlMs: config.shellTicketTtlSeconds * 1000,
      urlTemplate: () => config.previewUrl ?? defaultPreviewUrl(config.publicUrl ?? server?.url ?? ''),
    });
    const previewGateway = previews;
    const shells = gateway;
    metrics.setShellBufferSource(() => shells.bufferedBytes);
    metrics.setShellSessionSource(() => shells.liveShells);
    const checks = liveChecks;
    service.subscribe((event) => {
      if (event.type !== 'ended') return;
      tickets.revoke(event.sandbox.id);
      previewGateway.revoke(event.sandbox.id);
      checks.drop(event.sandbox.id);
      scrollbacks.drop(event.sandbox.id);
      shells.closeSandbox(event.sandbox);
    });
    routes.push(
      ...sandboxRoutes({
        sandboxes: service,
        catalog: new ExerciseCatalog(config.exercisesDir),
        engine,
        liveChecks,
        tickets,
        previews: previewGateway,
        shellBaseUrl: () => (config.publicUrl ?? server?.url ?? '').replace(/^http/, 'ws').replace(/\/$/, ''),
      }),
    );
  }

  const service = sandboxes;
  routes.push(
    ...healthRoutes(metrics, service
      ? {
          provider: service.providerName,
          sandboxCounts: () => service.counts(),
          limits: { maxSandboxes: config.maxSandboxes, maxSandboxesPerOwner: config.maxSandboxesPerOwner },
        }
      : undefined, engineHealth),
  );
  server = new RunnerServer({
    host: config.host,
    port: config.port,
    token: config.token,
    logger,
    drainMs: config.shutdownDrainMs,
    routes,
    ...(gateway ? { upgrades: { pathPrefix: '/v1/sandboxes/', handler: gateway } } : {}),
    ...(previews ? { hosts: previews } : {}),
    onRequest: (method, status) => metrics.httpRequests.inc({ method, status: String(status) }),
  });
  try {
    await server.start();
  } catch (error) {
    await sandboxes?.stop();
    throw error;
  }
  watchdog?.start();
  const http = server;
  let stopping: Promise<void> | undefined;
  return {
    get url() {
      return http.url;
    },
    get port() {
      return http.port;
    },
    metrics,
    sandboxes,
    stop: () =>
      (stopping ??= (async () => {
        await http.stop();
        watchdog?.stop();
        liveChecks?.stop();
        await saveScrollbacks?.().catch((error: unknown) => logger.warn('scrollback_save_failed', { error }));
        await sandboxes?.stop();
      })()),
  };
}

/** `{id}.preview.localhost` on the runner's scheme and port: browsers resolve *.localhost to loopback. */
function defaultPreviewUrl(runnerUrl: string): string {
  const url = new URL(runnerUrl);
  return `${url.protocol}//{id}.preview.localhost${url.port ? `:${url.port}` : ''}`;
}
