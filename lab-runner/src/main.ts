// The lab-runner process: configuration from the environment, the runner, and a graceful
// stop on SIGTERM / SIGINT (a second signal exits at once).

import { ConfigError, loadConfig } from './config.js';
import { requireEngine } from './engine-check.js';
import { createLogger } from './log.js';

let config;
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

if (config.provider === 'kind') {
  logger.error('provider_unavailable', { provider: 'kind', message: 'the kind provider is not part of this build; use RUNNER_PROVIDER=embedded' });
  process.exit(2);
}
await requireEngine('lab-runner', { DOCKER_HOST: `unix://${config.dockerSocketPath}` }, config.engine);
// Loaded after the configuration is known good, so a bad environment fails fast.
const { createEmbeddedProvider } = await import('./providers/embedded/index.js');
const { startRunner } = await import('./server/runner-app.js');
const provider = createEmbeddedProvider({ ...config, idPrefix: config.sandboxPrefix }, logger);
const runner = await startRunner(config, logger, { provider, idPrefix: config.sandboxPrefix }).catch((error: unknown) => {
  // e.g. the container engine is not reachable at DOCKER_HOST, or the port is taken.
  logger.error('runner_start_failed', { error });
  process.exit(1);
});
logger.info('runner_started', { url: runner.url, provider: config.provider });

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
