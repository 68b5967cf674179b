// The course's images as one `docker save` archive, which `kind load image-archive` puts into
// each new cluster's nodes (kind's nodes pull nothing from the runner's engine by themselves).

import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { ProviderError } from '../provider.js';

/** dockerode implements GET /images/get (several images in one archive) but does not type it. */
type SavesImages = { getImages(options: { names: string[] }): Promise<NodeJS.ReadableStream> };

/** Writes the images to `file` (atomically); a missing image is a ProviderError naming it. */
export async function saveImageArchive(docker: Dockerode, references: readonly string[], file: string): Promise<void> {
  for (const reference of references) {
    await docker
      .getImage(reference)
      .inspect()
      .catch((error: unknown) => {
        throw new ProviderError('engine_failed', `the course image ${reference} is not on the engine, so it cannot be loaded into kind's nodes`, { cause: error });
      });
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  await pipeline(await (docker as unknown as SavesImages).getImages({ names: [...references] }), createWriteStream(partial, { mode: 0o600 }));
  await rename(partial, file);
}
