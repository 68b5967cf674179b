// What a check kind gets to look at a sandbox with: the Kubernetes API clients and the node
// directory (through the provider). A kind returns what it observed and whether that passes.

import type { CheckKind, CheckParams } from '@kubelab/exercise-format';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from './kube-clients.js';
import { apiStatus } from './kube-clients.js';
import { joined, listed, say, type Said } from './observed.js';

export interface CheckContext {
  clients: KubeClients;
  readNodeFile(path: string): Promise<string | undefined>;
  /** Ends waits (logs growth) early when the run is abandoned. */
  signal?: AbortSignal;
}

export interface Observation {
  passed: boolean;
  /** What the engine saw, in words a learner understands, in each locale: "found 1 container: count; expected 2". */
  observed: Said;
}

export type KindEvaluator<K extends CheckKind> = (params: CheckParams<K>, ctx: CheckContext) => Promise<Observation>;

export const DEFAULT_NAMESPACE = 'default';

/** The Pod, or undefined when it does not exist. */
export async function findPod(ctx: CheckContext, name: string, namespace = DEFAULT_NAMESPACE): Promise<V1Pod | undefined> {
  try {
    return await ctx.clients.core.readNamespacedPod({ name, namespace });
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw error;
  }
}

/**
 * What a check saw when its Pod is missing. A Pod of that name in another namespace is named,
 * since creating it in the wrong namespace is a common slip (`-n`, a manifest's namespace).
 */
export async function noPod(ctx: CheckContext, name: string, namespace = DEFAULT_NAMESPACE): Promise<Observation> {
  const missing = say(`no pod "${name}" in namespace ${namespace}`, `命名空间 ${namespace} 中没有 Pod "${name}"`);
  const elsewhere = await ctx.clients.core
    .listPodForAllNamespaces({ fieldSelector: `metadata.name=${name}` })
    .then((pods) => pods.items.map((p) => p.metadata?.namespace ?? '').filter((ns) => ns !== '' && ns !== namespace))
    .catch(() => []);
  if (elsewhere.length === 0) return { passed: false, observed: missing };
  const where = listed(elsewhere);
  return { passed: false, observed: joined([missing, say(`found one in namespace ${where.en}`, `但在命名空间 ${where['zh-CN']} 中有一个`)]) };
}
