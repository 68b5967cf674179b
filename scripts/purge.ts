// `npm run purge`: ends every sandbox of this install for good. Removes its containers from
// the engine (those carrying its identity, and those of sandboxes in its state), the runner's
// state directory, and the local Kubelab images (kept when another install's containers still
// use them; --keep-images keeps them). The database and the web app's data stay. Refuses
// while this install runs.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { engineSocket, pingEngine, engineMissingLine } from '../lab-runner/src/engine-check.js';
import { IMAGES } from '../lab-runner/src/images/index.js';
import { removeInstallContainers } from './lib/engine-cleanup.js';
import { loadDotEnv, log, platformEnv } from './lib/platform.js';

loadDotEnv();
const { env, runnerUrl } = platformEnv();
const stateDir = env.KUBELAB_STATE_DIR!;

if (await fetch(`${runnerUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false)) {
  process.stderr.write(`[kubelab] purge: this install's runner answers on ${runnerUrl}; stop npm start first (Ctrl-C), then run npm run purge again\n`);
  process.exit(1);
}
const socket = engineSocket(env);
await pingEngine(socket).catch((error: Error) => {
  process.stderr.write(`${engineMissingLine('purge', socket, error.message)}\n`);
  process.exit(1);
});
process.env.DOCKER_HOST = `unix://${socket}`;

const idFile = path.join(stateDir, 'install-id');
const installId = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined;
const clustersDir = path.join(stateDir, 'host', 'clusters');
const sandboxes = new Set(existsSync(clustersDir) ? readdirSync(clustersDir) : []);
const { removed, failed } = await removeInstallContainers(installId, sandboxes);
log(`removed ${removed} containers of ${sandboxes.size} sandboxes${installId ? ` (install ${installId})` : ''}`);
if (failed.length > 0) {
  process.stderr.write(`[kubelab] purge: ${failed.length} containers could not be removed, state and images kept; run npm run purge again:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
  process.exit(1);
}
rmSync(stateDir, { recursive: true, force: true });
log(`removed the runner state ${stateDir}`);
const docker = new Docker({ socketPath: socket });
// --keep-images: for a shared engine where other installs' runs need them right now.
for (const image of process.argv.includes('--keep-images') ? [] : Object.values(IMAGES)) {
  await docker
    .getImage(image)
    .remove()
    .then(
      () => log(`removed image ${image}`),
      (error: { statusCode?: number }) => {
        if (error.statusCode === 409) log(`kept image ${image}: containers of another install use it`);
        else if (error.statusCode !== 404) log(`kept image ${image}: ${(error as Error).message}`);
      },
    );
}
log('done: no sandbox of this install is left; npm start builds what it needs again');
