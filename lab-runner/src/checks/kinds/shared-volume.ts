import type { V1Container } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { listed, say } from '../observed.js';

export const sharedVolume: KindEvaluator<'sharedVolume'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  // Native sidecars are init containers that keep running: they share volumes too.
  const all: V1Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const volumes = (pod.spec?.volumes ?? []).map((v) => v.name).filter((name) => params.volume === undefined || name === params.volume);
  if (params.volume !== undefined && volumes.length === 0) return { passed: false, observed: say(`the pod has no volume "${params.volume}"`, `Pod 没有卷 "${params.volume}"`) };
  const usage = volumes.map((volume) => ({
    volume,
    users: all.filter((c) => (c.volumeMounts ?? []).some((m) => m.name === volume)).map((c) => c.name),
  }));
  const shared = usage.find((u) => u.users.length >= params.minContainers);
  if (shared) return { passed: true, observed: say(`volume ${shared.volume} is mounted by ${listed(shared.users).en}`, `卷 ${shared.volume} 被 ${listed(shared.users)['zh-CN']} 挂载`) };
  const seen = usage.map((u) => say(`${u.volume}: ${listed(u.users).en}`, `${u.volume}：${listed(u.users)['zh-CN']}`));
  return {
    passed: false,
    observed: say(
      `${seen.length === 0 ? 'the pod has no volumes' : `mounts per volume: ${seen.map((s) => s.en).join('; ')}`}; expected one mounted by at least ${params.minContainers} containers`,
      `${seen.length === 0 ? 'Pod 没有卷' : `各卷的挂载：${seen.map((s) => s['zh-CN']).join('；')}`}；应有一个卷被至少 ${params.minContainers} 个容器挂载`,
    ),
  };
};
