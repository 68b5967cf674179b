// The downward API: the Pod's own fields and its containers' resources, as env values and
// downwardAPI volume files.

import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from '../k8s-types.js';
import { parseQuantity } from '../quantity.js';

export class ConfigError extends Error {
  readonly code = 'CREATE_CONTAINER_CONFIG_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface PodAddresses { podIP: string; hostIP: string }

function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}="${(map ?? {})[key]}"`)
    .join('\n');
}

export function fieldRefValue(pod: Pod, selector: ObjectFieldSelector, addresses: PodAddresses): string {
  const path = selector.fieldPath;
  const indexed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (indexed) {
    const map = indexed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[indexed[2] ?? ''] ?? '';
  }
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs': return addresses.podIP;
    case 'status.hostIP':
    case 'status.hostIPs': return addresses.hostIP;
    default: throw new ConfigError(`unsupported fieldPath: ${path}`);
  }
}

export function resourceFieldValue(pod: Pod, selector: ResourceFieldSelector, defaultContainer: Container | undefined, limits: { memoryBytes: number; cpus: number }): string {
  const container = selector.containerName
    ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === selector.containerName)
    : defaultContainer;
  if (!container) throw new ConfigError(`unable to find container "${selector.containerName ?? ''}" for resourceFieldRef`);
  const [kind, resource] = selector.resource.split('.') as ['limits' | 'requests', string];
  if ((kind !== 'limits' && kind !== 'requests') || (resource !== 'cpu' && resource !== 'memory' && resource !== 'ephemeral-storage')) {
    throw new ConfigError(`unsupported container resource: ${selector.resource}`);
  }
  const raw = container.resources?.[kind]?.[resource] ?? (kind === 'requests' ? container.resources?.limits?.[resource] : undefined);
  // An unset limit reads as the node's allocatable, as on a real node.
  const value = raw !== undefined ? parseQuantity(raw) : resource === 'cpu' ? limits.cpus : resource === 'memory' ? limits.memoryBytes : 0;
  const divisor = parseQuantity(selector.divisor ?? '1');
  return String(Math.ceil(value / (divisor || 1)));
}
