// Builds the kind provider from the runner's configuration: the kind CLI, the engine's Docker
// API, the platform's images (the toolbox, and the Pod images loaded into every cluster).

import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { ensureImages, IMAGES } from '../../images/index.js';
import type { Logger } from '../../log.js';
import { installIdentity, LABEL_INSTALL } from '../embedded/install-identity.js';
import { Toolboxes, type ToolboxLimits } from '../embedded/toolbox.js';
import { KindCli } from './kind-cli.js';
import { KindProvider } from './kind-provider.js';

export interface KindProviderConfig {
  stateDir: string;
  dockerSocketPath: string;
  toolbox: ToolboxLimits;
  idPrefix: string;
  /** The kind binary (KIND_PATH); unset: `kind` on PATH. */
  kindPath?: string;
  /** kind's node image (KIND_NODE_IMAGE); unset: kind's default. */
  nodeImage?: string;
  nodeReadyTimeoutMs?: number;
  /** Extra labels on every toolbox (tests tag their runs). */
  labels?: Record<string, string>;
  toolboxImage?: string;
  /** Extra environment for the kind CLI (tests). */
  kindEnv?: Record<string, string>;
}

export function createKindProvider(config: KindProviderConfig, logger: Logger): KindProvider {
  const docker = new Dockerode({ socketPath: config.dockerSocketPath });
  const installId = installIdentity(config.stateDir);
  const labels = { ...config.labels, [LABEL_INSTALL]: installId };
  const image = config.toolboxImage ?? IMAGES.toolbox;
  return new KindProvider({
    docker,
    kind: new KindCli({ ...(config.kindPath ? { path: config.kindPath } : {}), env: { DOCKER_HOST: `unix://${config.dockerSocketPath}`, ...config.kindEnv } }),
    toolboxes: new Toolboxes(docker, { image, limits: config.toolbox, labels }),
    toolboxImage: image,
    toolboxLimits: config.toolbox,
    labels,
    installId,
    idPrefix: config.idPrefix,
    stateDir: path.join(config.stateDir, 'kind'),
    ...(config.nodeImage ? { nodeImage: config.nodeImage } : {}),
    ...(config.nodeReadyTimeoutMs ? { nodeReadyTimeoutMs: config.nodeReadyTimeoutMs } : {}),
    courseImages: [IMAGES.pause, IMAGES.busybox],
    ensureImages: () => ensureImages(docker, (message) => logger.info('image_built', { message })),
    logger: logger.child({ component: 'kind-provider' }),
  });
}

/** Memory a kind node needs besides the sandbox's Pods: kubelet, containerd and the control plane (kind's docs: ~600 MB idle). */
export const KIND_NODE_OVERHEAD_BYTES = 768 * 1024 * 1024;

/**
 * How many kind sandboxes this host holds: three quarters of its memory over what one sandbox
 * takes (a node's overhead, the sandbox's Pods, the toolbox), and at most two per CPU (each
 * node runs a control plane). At least one.
 */
export function kindCapacity(perSandbox: { sandboxMemoryBytes: number; toolboxMemoryBytes: number }, host = { memoryBytes: os.totalmem(), cpus: os.availableParallelism() }): number {
  const footprint = KIND_NODE_OVERHEAD_BYTES + perSandbox.sandboxMemoryBytes + perSandbox.toolboxMemoryBytes;
  return Math.max(1, Math.min(Math.floor((host.memoryBytes * 0.75) / footprint), host.cpus * 2));
}
