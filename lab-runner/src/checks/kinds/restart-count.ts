import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';

export const restartCount: KindEvaluator<'restartCount'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === params.container);
  if (!status) return { passed: false, observed: `no status for container ${params.container} yet` };
  const count = status.restartCount;
  const range = [params.min !== undefined ? `at least ${params.min}` : '', params.max !== undefined ? `at most ${params.max}` : ''].filter(Boolean).join(' and ');
  const passed = (params.min === undefined || count >= params.min) && (params.max === undefined || count <= params.max);
  return { passed, observed: `${params.container} restarted ${count} times; expected ${range}` };
};
