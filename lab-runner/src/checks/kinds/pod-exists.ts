import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { say } from '../observed.js';

export const podExists: KindEvaluator<'podExists'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const phase = pod.status?.phase ?? 'Unknown';
  return { passed: true, observed: say(`pod "${params.pod}" exists (phase ${phase})`, `Pod "${params.pod}" 已存在（阶段 ${phase}）`) };
};
