import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { say } from '../observed.js';

export const podReady: KindEvaluator<'podReady'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const phase = pod.status?.phase ?? 'Unknown';
  if (!ready) return { passed: false, observed: say(`pod has no Ready condition yet (phase ${phase})`, `Pod 还没有 Ready 状态条件（阶段 ${phase}）`) };
  const why = ready.reason ? ` (${ready.reason})` : '';
  const notReady = (pod.status?.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  return {
    passed: ready.status === 'True',
    observed: say(
      `Ready=${ready.status}${why}${notReady.length > 0 ? `; containers not ready: ${notReady.join(', ')}` : ''}`,
      `Ready=${ready.status}${why}${notReady.length > 0 ? `；未就绪的容器：${notReady.join('、')}` : ''}`,
    ),
  };
};
