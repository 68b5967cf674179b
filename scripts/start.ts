// Second half of `npm start` (after scripts/bootstrap.sh): prepare what changed, then run the
// web app and the lab-runner until Ctrl-C / SIGTERM.
import path from 'node:path';
import { parseEnv } from '../lib/env';
import { loadDotEnv, log, platformEnv, preparePlatform, startPlatform, type PlatformEnv, type RunningPlatform } from './lib/platform.js';
import { platformPaths, repoRoot } from './lib/paths.js';
import { reportStartFailure } from './lib/start-failure.js';
import { readSeededCredentials, seededAccountsNotice } from './lib/accounts.js';

loadDotEnv();
const logDir = path.join(platformPaths().dataDir, 'logs');
let running: RunningPlatform;
let platform: PlatformEnv;
let credentialsBefore: ReturnType<typeof readSeededCredentials>;
const startedAt = Date.now();
try {
  // The settings first, so a bad one is reported before any preparation runs.
  parseEnv(process.env, repoRoot);
  platform = platformEnv();
  // What the seed had generated before this start: only passwords generated now are printed.
  credentialsBefore = readSeededCredentials(platform.dataDir);
  await preparePlatform(platform);
  running = await startPlatform(platform, logDir);
} catch (error) {
  reportStartFailure(error, logDir);
  process.exit(1);
}

const stop = (signal: string) => {
  log(`${signal}: stopping the web app and the lab-runner`);
  void running.stop().then(() =>
    log('stopped. Sandboxes keep running on the engine for the next npm start to adopt; `npm run purge` ends them and removes this install\'s containers, state and images'),
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
// `kill <npm's pid>` ends npm without passing the signal on: when our parent goes away we are
// re-parented, and stop as if told to.
const parent = process.ppid;
const watchParent = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watchParent);
  stop('parent process exited');
}, 1000);
watchParent.unref();

process.stdout.write(
  [
    '',
    `  Kubelab is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  Web app:    ${platform.webUrl}`,
    `  Lab runner: ${platform.runnerUrl} (token in ${platform.dataDir}/runner-token)`,
    ...seededAccountsNotice(platform.dataDir, platform.env, credentialsBefore),
    '  Ctrl-C stops both; sandboxes keep running for the next start (`npm run purge` ends them).',
    '',
  ].join('\n') + '\n',
);

process.exitCode = await running.supervisor.done;
