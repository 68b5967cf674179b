// The local images every sandbox runs on: the Pod infra (pause) image, busybox and the
// learner's toolbox. They are built on this machine from host files and imported into the
// container engine through its Docker API; ensureImages() is idempotent and cheap when the
// images are current (their content hash is kept in a label).

import type Dockerode from 'dockerode';
import { engineProfile } from '../engines/profile.js';
import { normalizeImageReference } from './reference.js';
import {
  BUSYBOX_REFERENCE,
  PAUSE_REFERENCE,
  TOOLBOX_REFERENCE,
  busyboxRecipe,
  pauseRecipe,
  toolboxRecipe,
  type ImageConfig,
  type ImageRecipe,
} from './recipes.js';
import { ImageBuildError } from './rootfs.js';
import { tarStream } from './tar-writer.js';

export { normalizeImageReference } from './reference.js';
export { POD_NETNS_BUSYBOX } from './recipes.js';

export const IMAGES = {
  pause: PAUSE_REFERENCE,
  toolbox: TOOLBOX_REFERENCE,
  busybox: BUSYBOX_REFERENCE,
} as const;

export const CONTENT_HASH_LABEL = 'io.kubelab.image-hash';
/** Set on every image the platform builds, to the platform reference it was built as: how a sandbox image is recognised. */
export const IMAGE_LABEL = 'io.kubelab.image';

/** The images a Pod may name, as a learner would write them (shown in ErrImagePull messages). */
export const LOCAL_IMAGE_NAMES: readonly string[] = [
  'busybox',
  'busybox:latest',
  'busybox:1.36',
  'busybox:1.35',
  'docker.io/library/busybox:latest',
  'registry.k8s.io/pause:3.9',
  PAUSE_REFERENCE,
  TOOLBOX_REFERENCE,
];

/** Every name a Pod may use, normalised, to the platform image it runs. */
const POD_IMAGES = new Map<string, string>([
  ...['latest', '1.36', '1.35', '1.35.0'].map((tag): [string, string] => [`docker.io/library/busybox:${tag}`, BUSYBOX_REFERENCE]),
  ['registry.k8s.io/pause:3.9', PAUSE_REFERENCE],
  ...[BUSYBOX_REFERENCE, PAUSE_REFERENCE, TOOLBOX_REFERENCE].map((ref): [string, string] => [ref, ref]),
]);

/** The platform image a Pod's (normalised) image reference runs, or undefined: nothing else runs in a sandbox. */
export function platformImageFor(reference: string): string | undefined {
  return POD_IMAGES.get(reference);
}

/**
 * The id of the platform image a Pod's image reference runs, or undefined when the engine
 * has no such image or the image under that name was not built by the platform (no matching
 * IMAGE_LABEL): a learner-made or foreign image never runs in a sandbox, whatever its name.
 */
export async function platformImageId(docker: Dockerode, reference: string): Promise<string | undefined> {
  const platform = platformImageFor(reference);
  return platform ? builtImageId(docker, platform) : undefined;
}

/** The id of the image under `reference` if the platform built it as that reference (its labels say so), else undefined. */
export async function builtImageId(docker: Dockerode, reference: string): Promise<string | undefined> {
  const info = await inspect(docker, reference);
  const labels = info?.Config?.Labels ?? {};
  return info && labels[IMAGE_LABEL] === reference && /^[0-9a-f]{64}$/.test(labels[CONTENT_HASH_LABEL] ?? '') ? info.Id : undefined;
}

export type ImageLog = (message: string) => void;

function changes(config: ImageConfig, labels: Record<string, string>): string[] {
  const out: string[] = [];
  if (config.entrypoint) out.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd) out.push(`CMD ${JSON.stringify(config.cmd)}`);
  for (const [key, value] of Object.entries(config.env ?? {})) out.push(`ENV ${key}=${value}`);
  if (config.workingDir) out.push(`WORKDIR ${config.workingDir}`);
  for (const [key, value] of Object.entries(labels)) out.push(`LABEL ${key}=${value}`);
  return out;
}

function splitReference(reference: string): { repo: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return { repo: reference, tag: 'latest' };
  return { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}

async function inspect(docker: Dockerode, reference: string): Promise<Dockerode.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(reference).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** Imports the recipe's root filesystem as a new image and returns the image id. */
async function importRecipe(docker: Dockerode, recipe: ImageRecipe, hash: string): Promise<string> {
  const { repo, tag } = splitReference(recipe.reference);
  const labels = { [CONTENT_HASH_LABEL]: hash, [IMAGE_LABEL]: recipe.reference };
  const output = await readAll(
    await docker.importImage(tarStream(recipe.rootfs.list()), { repo, tag, changes: changes(recipe.config, labels) }),
  );
  let id: string | undefined;
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { id?: string; status?: string; error?: string; errorDetail?: { message?: string } };
    if (message.error || message.errorDetail) throw new ImageBuildError(`import of ${recipe.reference} failed: ${message.error ?? message.errorDetail?.message}`);
    const candidate = message.id ?? message.status;
    if (candidate && /^(sha256:)?[0-9a-f]{64}$/.test(candidate)) id = candidate;
  }
  if (!id) throw new ImageBuildError(`import of ${recipe.reference} returned no image id: ${output.slice(0, 300)}`);
  return id;
}

async function ensureTags(docker: Dockerode, imageId: string, references: string[]): Promise<void> {
  for (const reference of references) {
    const current = await inspect(docker, reference);
    if (current?.Id === imageId || `sha256:${current?.Id}` === imageId || current?.Id === `sha256:${imageId}`) continue;
    await docker.getImage(imageId).tag(splitReference(reference));
  }
}

async function ensureImage(docker: Dockerode, recipe: ImageRecipe, log: ImageLog): Promise<void> {
  // The format number changes when what ensureImages writes besides the rootfs (labels) changes.
  const hash = recipe.rootfs.contentHash({ format: 2, config: recipe.config, reference: recipe.reference });
  const references = [recipe.reference, ...recipe.aliases].map(normalizeImageReference);
  const existing = await inspect(docker, recipe.reference);
  if (existing?.Config?.Labels?.[CONTENT_HASH_LABEL] === hash) {
    await ensureTags(docker, existing.Id, references);
    return;
  }
  const started = Date.now();
  const id = await importRecipe(docker, recipe, hash);
  await ensureTags(docker, id, references);
  // Podman's import ignores the tag parameter and tags `<repo>:latest`; drop that stray tag.
  const { repo } = splitReference(recipe.reference);
  const stray = normalizeImageReference(`${repo}:latest`);
  if ((await engineProfile(docker)).importIgnoresTag && !references.includes(stray) && (await inspect(docker, stray))?.Id === (await inspect(docker, recipe.reference))?.Id) {
    await docker.getImage(stray).remove({ noprune: true }).catch(() => undefined);
  }
  log(`built ${recipe.reference} (${references.length - 1} aliases) in ${Date.now() - started} ms`);
  if (existing && existing.Id !== id) {
    // The previous build is untagged now; containers may still use it, then it stays.
    await docker.getImage(existing.Id).remove().catch(() => undefined);
  }
}

/** Builds (or confirms) every local image. A second call with unchanged inputs only inspects. */
export async function ensureImages(docker: Dockerode, log: ImageLog = () => undefined): Promise<void> {
  for (const recipe of [await pauseRecipe(), await busyboxRecipe(), await toolboxRecipe()]) {
    await ensureImage(docker, recipe, log);
  }
}
