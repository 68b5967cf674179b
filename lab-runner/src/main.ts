// The lab-runner process: configuration from the environment, the runner, and a graceful
// stop on SIGTERM / SIGINT (a second signal exits at once).

import { ConfigError, loadConfig, type RunnerConfig } from './config.js';
import { requireEngine } from './engine-check.js';
import { createLogger } from './log.js';

let config: RunnerConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel }, { service: 'lab-runner' });
process.on('unhandledRejection', (reason) => logger.error('unhandled_rejection', { error: reason }));

await requireEngine('lab-runner', { DOCKER_HOST: `unix://${config.dockerSocketPath}` }, config.engine);
// Loaded after the configuration is known good, so a bad environment fails fast.
const { startRunner } = await import('./server/runner-app.js');
const { provider, maxSandboxes } = await selectProvider();
const runner = await startRunner({ ...config, maxSandboxes }, logger, { provider, idPrefix: config.sandboxPrefix }).catch((error: unknown) => {
  // e.g. the container engine is not reachable at DOCKER_HOST, or the port is taken.
  logger.error('runner_start_failed', { error });
  process.exit(1);
});
logger.info('runner_started', { url: runner.url, provider: config.provider, maxSandboxes });

/** RUNNER_PROVIDER's provider, and how many sandboxes it may hold (kind: no more than the host's resources allow). */
async function selectProvider() {
  const options = { ...config, idPrefix: config.sandboxPrefix };
  if (config.provider === 'embedded') {
    const { createEmbeddedProvider } = await import('./providers/embedded/index.js');
    return { provider: createEmbeddedProvider(options, logger), maxSandboxes: config.maxSandboxes };
  }
  const { createKindProvider, kindCapacity } = await import('./providers/kind/index.js');
  const hostCapacity = kindCapacity({ sandboxMemoryBytes: config.sandboxLimits.memoryBytes, toolboxMemoryBytes: config.toolbox.memoryBytes });
  if (hostCapacity < config.maxSandboxes) logger.warn('kind_capacity_from_host', { configured: config.maxSandboxes, hostCapacity });
  const provider = createKindProvider(
    {
      ...options,
      ...(config.kind.path ? { kindPath: config.kind.path } : {}),
      ...(config.kind.nodeImage ? { nodeImage: config.kind.nodeImage } : {}),
      nodeReadyTimeoutMs: config.kind.nodeReadyTimeoutMs,
    },
    logger,
  );
  return { provider, maxSandboxes: Math.min(config.maxSandboxes, hostCapacity) };
}

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) {
      logger.warn('runner_forced_exit', { signal });
      process.exit(1);
    }
    signalled = true;
    logger.info('runner_stopping', { signal });
    runner.stop().then(
      () => {
        logger.info('runner_stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('runner_stop_failed', { error });
        process.exit(1);
      },
    );
  });
}
