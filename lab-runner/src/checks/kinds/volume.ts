import type { V1Volume } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { listed, say, withProblems, type Said } from '../observed.js';

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
    return { passed: false, observed: say(`no volume "${params.volume}" (volumes: ${listed(names).en})`, `没有卷 "${params.volume}"（现有的卷：${listed(names)['zh-CN']}）`) };
  }
  const problems: Said[] = [];
  const rw = (readOnly: boolean | undefined) => (readOnly ? say('read-only', '只读') : say('read-write', '读写'));
  const type = typeOf(spec);
  if (type !== params.type) problems.push(say(`type ${type}; expected ${params.type}`, `类型为 ${type}，应为 ${params.type}`));
  if (params.hostPath !== undefined && spec.hostPath?.path !== params.hostPath) {
    problems.push(say(`hostPath ${spec.hostPath?.path ?? 'unset'}; expected ${params.hostPath}`, `hostPath 为 ${spec.hostPath?.path ?? '未设置'}，应为 ${params.hostPath}`));
  }
  if (params.medium !== undefined && (spec.emptyDir?.medium ?? '') !== params.medium) {
    problems.push(say(`medium "${spec.emptyDir?.medium ?? ''}"; expected "${params.medium}"`, `medium 为 "${spec.emptyDir?.medium ?? ''}"，应为 "${params.medium}"`));
  }
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const expected of params.mounts ?? []) {
    const container = containers.find((c) => c.name === expected.container);
    const mount = container?.volumeMounts?.find((m) => m.name === params.volume);
    if (!container) problems.push(say(`no container ${expected.container}`, `没有容器 ${expected.container}`));
    else if (!mount) problems.push(say(`${expected.container} does not mount ${params.volume}`, `${expected.container} 没有挂载 ${params.volume}`));
    else {
      if (mount.mountPath !== expected.mountPath) problems.push(say(`${expected.container} mounts it at ${mount.mountPath}; expected ${expected.mountPath}`, `${expected.container} 把它挂载在 ${mount.mountPath}，应为 ${expected.mountPath}`));
      if (expected.readOnly !== undefined && Boolean(mount.readOnly) !== expected.readOnly) {
        const [is, want] = [rw(mount.readOnly), rw(expected.readOnly)];
        problems.push(say(`${expected.container} mounts it ${is.en}; expected ${want.en}`, `${expected.container} 以${is['zh-CN']}方式挂载，应为${want['zh-CN']}`));
      }
    }
  }
  const where = spec.hostPath ? spec.hostPath.path : undefined;
  const summary = say(`volume ${params.volume} is ${type}${where ? ` (${where})` : ''}`, `卷 ${params.volume} 的类型是 ${type}${where ? `（${where}）` : ''}`);
  return { passed: problems.length === 0, observed: withProblems(summary, problems) };
};
