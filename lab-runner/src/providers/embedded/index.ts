// Builds the embedded provider from the runner's configuration: the cluster host in this
// process, the container engine's Docker API, the local images and the socket relays.

import path from 'node:path';
import Dockerode from 'dockerode';
import { createEmbeddedClusterHost } from '../../embedded/host.js';
import { ensureImages, IMAGES } from '../../images/index.js';
import { createKubeletWith, kubeletLog } from '../../embedded/kubelet/index.js';
import type { ApiShareLimits } from '../../embedded/apiserver/api-shares.js';
import type { DiskShares } from '../../embedded/kubelet/eviction.js';
import type { Logger } from '../../log.js';
import { EmbeddedProvider } from './embedded-provider.js';
import { installIdentity, LABEL_INSTALL } from './install-identity.js';
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
  // Every container this install creates carries its identity: another install on the same
  // engine (even with the same sandbox prefix) never takes them for its own.
  const installId = installIdentity(config.stateDir);
  const labels = { ...config.labels, [LABEL_INSTALL]: installId };
  return new EmbeddedProvider({
    host: createEmbeddedClusterHost({
      stateDir: path.join(config.stateDir, 'host'),
      port: config.embeddedPort,
      limits: config.sandboxLimits,
      logger: logger.child({ component: 'cluster-host' }),
      ...(config.apiShares ? { apiShares: config.apiShares } : {}),
      kubeletFactory: createKubeletWith({
        docker,
        ...(config.diskShares ? { disk: config.diskShares } : {}),
        ...(config.sandboxCgroupParent ? { cgroupParent: config.sandboxCgroupParent } : {}),
        log: kubeletLog(logger.child({ component: 'kubelet' })),
        labels,
      }),
    }),
    toolboxes: new Toolboxes(docker, { image: config.toolboxImage ?? IMAGES.toolbox, limits: config.toolbox, labels }),
    relays: new SocketRelays(path.join(config.stateDir, 'relays')),
    logger: logger.child({ component: 'embedded-provider' }),
    idPrefix: config.idPrefix,
    installId,
    ensureImages: () => ensureImages(docker, (message) => logger.info('image_built', { message })),
  });
}
