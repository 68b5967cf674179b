import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';

export const podReady: KindEvaluator<'podReady'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return { passed: false, observed: `pod has no Ready condition yet (phase ${pod.status?.phase ?? 'unknown'})` };
  const why = ready.reason ? ` (${ready.reason})` : '';
  const notReady = (pod.status?.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  return {
    passed: ready.status === 'True',
    observed: `Ready=${ready.status}${why}${notReady.length > 0 ? `; containers not ready: ${notReady.join(', ')}` : ''}`,
  };
};
