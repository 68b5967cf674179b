import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { say } from '../observed.js';

export const restartCount: KindEvaluator<'restartCount'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === params.container);
  if (!status) return { passed: false, observed: say(`no status for container ${params.container} yet`, `容器 ${params.container} 还没有状态`) };
  const count = status.restartCount;
  const range = [params.min !== undefined ? `at least ${params.min}` : '', params.max !== undefined ? `at most ${params.max}` : ''].filter(Boolean).join(' and ');
  const rangeZh = [params.min !== undefined ? `至少 ${params.min} 次` : '', params.max !== undefined ? `至多 ${params.max} 次` : ''].filter(Boolean).join('且');
  const passed = (params.min === undefined || count >= params.min) && (params.max === undefined || count <= params.max);
  return { passed, observed: say(`${params.container} restarted ${count} times; expected ${range}`, `${params.container} 重启了 ${count} 次，应为${rangeZh}`) };
};
