import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { say } from '../observed.js';

export const podPhase: KindEvaluator<'podPhase'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const phase = pod.status?.phase ?? 'Unknown';
  return { passed: phase === params.phase, observed: say(`phase ${phase}; expected ${params.phase}`, `阶段为 ${phase}，应为 ${params.phase}`) };
};
