// Assembles one runner: the HTTP server and its routes. Used by main.ts and by tests that
// want a whole runner on port 0.

import type { RunnerConfig } from '../config.js';
import type { Logger } from '../log.js';
import { createMetrics, type RunnerMetrics } from '../metrics.js';
import { healthRoutes } from './health-routes.js';
import { RunnerServer } from './runner-server.js';

export interface Runner {
  readonly url: string;
  readonly port: number;
  readonly metrics: RunnerMetrics;
  /** Stops the server, then the sandbox service. Safe twice. */
  stop(): Promise<void>;
}

export async function startRunner(config: RunnerConfig, logger: Logger): Promise<Runner> {
  const metrics = createMetrics();
  const server = new RunnerServer({
    host: config.host,
    port: config.port,
    token: config.token,
    logger,
    drainMs: config.shutdownDrainMs,
    routes: healthRoutes(metrics, undefined),
    onRequest: (method, status) => metrics.httpRequests.inc({ method, status: String(status) }),
  });
  await server.start();
  let stopping: Promise<void> | undefined;
  return {
    get url() {
      return server.url;
    },
    get port() {
      return server.port;
    },
    metrics,
    stop: () => (stopping ??= server.stop()),
  };
}
