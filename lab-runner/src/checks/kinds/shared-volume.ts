import type { V1Container } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, list, noPod } from '../check-context.js';

export const sharedVolume: KindEvaluator<'sharedVolume'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  // Native sidecars are init containers that keep running: they share volumes too.
  const all: V1Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const volumes = (pod.spec?.volumes ?? []).map((v) => v.name).filter((name) => params.volume === undefined || name === params.volume);
  if (params.volume !== undefined && volumes.length === 0) return { passed: false, observed: `the pod has no volume "${params.volume}"` };
  const usage = volumes.map((volume) => ({
    volume,
    users: all.filter((c) => (c.volumeMounts ?? []).some((m) => m.name === volume)).map((c) => c.name),
  }));
  const shared = usage.find((u) => u.users.length >= params.minContainers);
  if (shared) return { passed: true, observed: `volume ${shared.volume} is mounted by ${list(shared.users)}` };
  const seen = usage.map((u) => `${u.volume}: ${list(u.users)}`);
  return {
    passed: false,
    observed: `${seen.length === 0 ? 'the pod has no volumes' : `mounts per volume: ${seen.join('; ')}`}; expected one mounted by at least ${params.minContainers} containers`,
  };
};
