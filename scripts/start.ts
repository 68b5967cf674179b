// Second half of `npm start` (after scripts/bootstrap.sh): prepare what changed, then run the
// web app and the lab-runner until Ctrl-C / SIGTERM.
import { loadDotEnv, log, platformEnv, preparePlatform, startPlatform } from './lib/platform.js';
import { readSeededCredentials, seededAccountsNotice } from './lib/accounts.js';

loadDotEnv();
const startedAt = Date.now();
const platform = platformEnv();
// What the seed had generated before this start: only passwords generated now are printed.
const credentialsBefore = readSeededCredentials(platform.dataDir);
await preparePlatform(platform);
const running = await startPlatform(platform);

const stop = (signal: string) => {
  log(`${signal}: stopping the web app and the lab-runner`);
  void running.stop();
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
    '  Ctrl-C stops both.',
    '',
  ].join('\n') + '\n',
);

process.exitCode = await running.supervisor.done;
