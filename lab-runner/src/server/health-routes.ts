// Operational routes: liveness (open, it says nothing but "ok", the provider and counts) and
// Prometheus metrics. /metrics needs the runner token: its figures (sandboxes per state, open
// shells, request counts) tell a stranger how busy the fleet is and when it is worth attacking,
// and a browser page on any origin could read an open endpoint on loopback.

import type { RunnerMetrics } from '../metrics.js';
import type { Route } from './routes.js';

export interface HealthSource {
  provider: string;
  /** Sandboxes by state, for a quick look without Prometheus. */
  sandboxCounts(): Record<string, number>;
}

export function healthRoutes(metrics: RunnerMetrics, source: HealthSource | undefined, startedAt = Date.now()): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      auth: false,
      handler: () => ({
        status: 200,
        json: {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          ...(source ? { provider: source.provider, sandboxes: source.sandboxCounts() } : {}),
        },
      }),
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: true,
      handler: async () => ({ status: 200, text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
    },
  ];
}
