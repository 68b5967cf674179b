import type { V1Volume } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';

const TYPES = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim'] as const;

function typeOf(volume: V1Volume): string {
  return TYPES.find((type) => volume[type] !== undefined) ?? 'unknown';
}

export const volume: KindEvaluator<'volume'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const spec = (pod.spec?.volumes ?? []).find((v) => v.name === params.volume);
  if (!spec) {
    const names = (pod.spec?.volumes ?? []).map((v) => v.name);
    return { passed: false, observed: `no volume "${params.volume}" (volumes: ${names.length > 0 ? names.join(', ') : 'none'})` };
  }
  const problems: string[] = [];
  const type = typeOf(spec);
  if (type !== params.type) problems.push(`type ${type}; expected ${params.type}`);
  if (params.hostPath !== undefined && spec.hostPath?.path !== params.hostPath) {
    problems.push(`hostPath ${spec.hostPath?.path ?? 'unset'}; expected ${params.hostPath}`);
  }
  if (params.medium !== undefined && (spec.emptyDir?.medium ?? '') !== params.medium) {
    problems.push(`medium "${spec.emptyDir?.medium ?? ''}"; expected "${params.medium}"`);
  }
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const expected of params.mounts ?? []) {
    const container = containers.find((c) => c.name === expected.container);
    const mount = container?.volumeMounts?.find((m) => m.name === params.volume);
    if (!container) problems.push(`no container ${expected.container}`);
    else if (!mount) problems.push(`${expected.container} does not mount ${params.volume}`);
    else {
      if (mount.mountPath !== expected.mountPath) problems.push(`${expected.container} mounts it at ${mount.mountPath}; expected ${expected.mountPath}`);
      if (expected.readOnly !== undefined && Boolean(mount.readOnly) !== expected.readOnly) {
        problems.push(`${expected.container} mounts it ${mount.readOnly ? 'read-only' : 'read-write'}; expected ${expected.readOnly ? 'read-only' : 'read-write'}`);
      }
    }
  }
  const summary = `volume ${params.volume} is ${type}${spec.hostPath ? ` (${spec.hostPath.path})` : ''}`;
  return { passed: problems.length === 0, observed: problems.length === 0 ? summary : `${summary}; ${problems.join('; ')}` };
};
