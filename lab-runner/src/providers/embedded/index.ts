// Builds the embedded provider from the runner's configuration: the cluster host in this
// process, the container engine's Docker API, the local images and the socket relays.

import path from 'node:path';
import Dockerode from 'dockerode';
import { createEmbeddedClusterHost } from '../../embedded/host.js';
import { ensureImages, IMAGES } from '../../images/index.js';
import { createKubeletWith } from '../../embedded/kubelet/index.js';
import type { ApiShareLimits } from '../../embedded/apiserver/api-shares.js';
import type { DiskShares } from '../../embedded/kubelet/eviction.js';
import type { Logger } from '../../log.js';
import { EmbeddedProvider } from './embedded-provider.js';
import { SocketRelays } from './socket-relay.js';
import { Toolboxes, type ToolboxLimits } from './toolbox.js';

export interface EmbeddedProviderConfig {
  stateDir: string;
  dockerSocketPath: string;
  /** TLS port of the host's API listener (0 picks one). */
  embeddedPort: number;
  toolbox: ToolboxLimits;
  sandboxLimits: ToolboxLimits;
  idPrefix: string;
  /** Extra labels on every toolbox (tests tag their runs). */
  labels?: Record<string, string>;
  /** The toolbox image; the locally built one by default. */
  toolboxImage?: string;
  /** Each sandbox's shares (docs/security/shares.md); the defaults when unset. */
  apiShares?: ApiShareLimits;
  diskShares?: DiskShares;
  sandboxCgroupParent?: string;
}

export function createEmbeddedProvider(config: EmbeddedProviderConfig, logger: Logger): EmbeddedProvider {
  const docker = new Dockerode({ socketPath: config.dockerSocketPath });
  const kubeletLog = logger.child({ component: 'kubelet' });
  return new EmbeddedProvider({
    host: createEmbeddedClusterHost({
      stateDir: path.join(config.stateDir, 'host'),
      port: config.embeddedPort,
      limits: config.sandboxLimits,
      ...(config.apiShares ? { apiShares: config.apiShares } : {}),
      kubeletFactory: createKubeletWith({
        docker,
        ...(config.diskShares ? { disk: config.diskShares } : {}),
        ...(config.sandboxCgroupParent ? { cgroupParent: config.sandboxCgroupParent } : {}),
        log: (message, error) => kubeletLog.warn('kubelet', { message, ...(error === undefined ? {} : { error }) }),
      }),
    }),
    toolboxes: new Toolboxes(docker, { image: config.toolboxImage ?? IMAGES.toolbox, limits: config.toolbox, ...(config.labels ? { labels: config.labels } : {}) }),
    relays: new SocketRelays(path.join(config.stateDir, 'relays')),
    logger: logger.child({ component: 'embedded-provider' }),
    idPrefix: config.idPrefix,
    ensureImages: () => ensureImages(docker, (message) => logger.info('image_built', { message })),
  });
}
