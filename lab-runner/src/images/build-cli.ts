// `npm run -w lab-runner images`: builds the local images the sandboxes need, idempotently.
// The setup scripts call it on start and before the tests. A CLI: its progress lines are for
// the person running it, so they go to stderr as plain text, not to the operator log.

import Dockerode from 'dockerode';
import { ensureImages, IMAGES } from './index.js';

const docker = new Dockerode();
const started = Date.now();
try {
  await ensureImages(docker, (message) => console.error(`[images] ${message}`));
  console.error(`[images] ready in ${Date.now() - started} ms: ${Object.values(IMAGES).join(', ')}`);
} catch (error) {
  const code = (error as { code?: string }).code ?? 'IMAGE_BUILD_FAILED';
  console.error(`[images] error ${code}: ${(error as Error).message}`);
  process.exitCode = 1;
}
