import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';

export const podExists: KindEvaluator<'podExists'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  return { passed: true, observed: `pod "${params.pod}" exists (phase ${pod.status?.phase ?? 'unknown'})` };
};
