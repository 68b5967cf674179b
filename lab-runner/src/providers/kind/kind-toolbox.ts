// The learner's toolbox beside a kind cluster: the platform's toolbox image on the cluster's
// network (kind's `kind` network, or the network namespace the node joins where the engine
// has no bridge), with the cluster's internal kubeconfig as /root/.kube/config. It is
// addressed by the same name and labels as the embedded provider's toolbox, so exec, shell,
// logs and removal go through the shared Toolboxes.

import type Dockerode from 'dockerode';
import { tarStream } from '../../images/tar-writer.js';
import { ProviderError } from '../provider.js';
import { toolboxHostConfig, toolboxLabels, toolboxName, type ToolboxLimits } from '../embedded/toolbox.js';

export interface KindToolboxSpec {
  id: string;
  label: string;
  image: string;
  limits: ToolboxLimits;
  labels: Record<string, string>;
  /** The node container's NetworkMode, read from the engine. */
  nodeNetwork: string;
  kubeconfig: string;
}

/** The NetworkMode that puts the toolbox where the node's internal endpoint is reachable. */
export function toolboxNetwork(nodeNetworkMode: string): string {
  if (nodeNetworkMode.startsWith('container:') || !['none', 'host', 'default', 'bridge', ''].includes(nodeNetworkMode)) return nodeNetworkMode;
  throw new ProviderError('create_failed', `the kind node's network mode is "${nodeNetworkMode}": the toolbox has no cluster network to join`);
}

export async function createKindToolbox(docker: Dockerode, spec: KindToolboxSpec): Promise<void> {
  const container = await docker.createContainer({
    name: toolboxName(spec.id),
    Image: spec.image,
    Hostname: spec.nodeNetwork.startsWith('container:') ? undefined : 'toolbox',
    // Only a shell's parent: the image's own entry bridges a socket the embedded provider mounts.
    Entrypoint: ['/usr/bin/catatonit', '-P'],
    Env: [`KUBELAB_SANDBOX=${spec.label}`],
    Labels: toolboxLabels(spec.labels, spec.id),
    // No per-sandbox user namespace of its own: the kind provider runs on the Docker Engine, whose
    // daemon-wide --userns-remap maps container root to an unprivileged host uid (engines/profile.ts).
    HostConfig: { ...toolboxHostConfig(spec.limits, undefined), NetworkMode: toolboxNetwork(spec.nodeNetwork) },
  });
  await container.putArchive(tarStream([{ type: 'file', path: 'root/.kube/config', content: Buffer.from(spec.kubeconfig), mode: 0o600 }]), { path: '/' });
  await container.start();
}
