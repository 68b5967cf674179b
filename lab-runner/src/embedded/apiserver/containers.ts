// Which container a log, exec or attach request means, with the real server's messages.

import type { Pod } from '../k8s-types.js';
import { badRequest } from '../status-error.js';

export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const names = pod.spec.containers.map((c) => c.name);
  const initNames = (pod.spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = ((pod.spec.ephemeralContainers ?? []) as { name?: string }[]).map((c) => c.name ?? '');
  if (!requested) {
    if (names.length === 1) return names[0] as string;
    if (names.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`;
    if (initNames.length > 0) msg += ` or one of the init containers: [${initNames.join(' ')}]`;
    throw badRequest(msg);
  }
  if (![...names, ...initNames, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}
