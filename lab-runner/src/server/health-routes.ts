// Operational routes: liveness (open, it says nothing but "ok", the provider and counts),
// free capacity for the web app's placement (/v1/capacity) and Prometheus metrics. /metrics and
// /v1/capacity need the runner token: its figures (sandboxes per state, open
// shells, request counts) tell a stranger how busy the fleet is and when it is worth attacking,
// and a browser page on any origin could read an open endpoint on loopback.

import type { EngineHealth } from '../engines/engine-watchdog.js';
import type { RunnerMetrics } from '../metrics.js';
import type { Route } from './routes.js';

export interface HealthSource {
  provider: string;
  /** Sandboxes by state, for a quick look without Prometheus. */
  sandboxCounts(): Record<string, number>;
  /** RUNNER_MAX_SANDBOXES and RUNNER_MAX_SANDBOXES_PER_OWNER. */
  limits: { maxSandboxes: number; maxSandboxesPerOwner: number };
}

/**
 * What a web app placing a new sandbox needs: how many more learner sandboxes this runner takes.
 * Warm sandboxes are free slots (a create claims one), so only owned live sandboxes use capacity.
 */
function capacityOf(source: HealthSource) {
  const counts = source.sandboxCounts();
  const used = (counts.provisioning ?? 0) + (counts.ready ?? 0) + (counts.deleting ?? 0);
  return {
    provider: source.provider,
    maxSandboxes: source.limits.maxSandboxes,
    maxSandboxesPerOwner: source.limits.maxSandboxesPerOwner,
    used,
    warm: counts.warm ?? 0,
    free: Math.max(0, source.limits.maxSandboxes - used),
  };
}

/**
 * `engine` is the engine watchdog's view: while the engine is wedged the runner is not ready
 * (503 with the runner's error shape, code `engine_wedged`), so placement skips it.
 */
export function healthRoutes(metrics: RunnerMetrics, source: HealthSource | undefined, engine?: () => EngineHealth, startedAt = Date.now()): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      auth: false,
      handler: () => {
        const health = engine?.();
        const wedged = health?.state === 'wedged';
        return {
          status: wedged ? 503 : 200,
          json: {
            status: wedged ? 'not_ready' : 'ok',
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            ...(source ? { provider: source.provider, sandboxes: source.sandboxCounts() } : {}),
            ...(health ? { engine: health } : {}),
            ...(wedged ? { error: { code: 'engine_wedged', message: `the container engine is wedged: ${health.detail}` } } : {}),
          },
        };
      },
    },
    // Without a sandbox service there is no capacity to offer: the path answers not_found.
    ...(source ? [{ method: 'GET' as const, path: '/v1/capacity', auth: true, handler: () => ({ status: 200, json: capacityOf(source) }) }] : []),
    {
      method: 'GET',
      path: '/metrics',
      auth: true,
      handler: async () => ({ status: 200, text: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
    },
  ];
}
