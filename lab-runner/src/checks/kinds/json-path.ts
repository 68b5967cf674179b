import type { KubernetesObject } from '@kubernetes/client-node';
import { apiStatus } from '../kube-clients.js';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE } from '../check-context.js';
import { joined, say } from '../observed.js';
import { jsonPathValues, renderJsonPath } from '../jsonpath.js';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition']);

export const jsonPath: KindEvaluator<'jsonPath'> = async (params, ctx) => {
  const namespace = CLUSTER_SCOPED.has(params.kind) ? undefined : (params.namespace ?? DEFAULT_NAMESPACE);
  const what = `${params.kind.toLowerCase()} ${params.name}`;
  let object: KubernetesObject;
  try {
    object = await ctx.clients.objects.read({ apiVersion: params.apiVersion, kind: params.kind, metadata: { name: params.name, ...(namespace ? { namespace } : {}) } });
  } catch (error) {
    if (apiStatus(error) === 404) {
      return { passed: params.exists === false, observed: say(`no ${what}${namespace ? ` in namespace ${namespace}` : ''}`, `${namespace ? `命名空间 ${namespace} 中` : ''}没有 ${what}`) };
    }
    throw error;
  }
  const values = jsonPathValues(params.path, object);
  const rendered = renderJsonPath(params.path, object);
  const shown =
    values.length === 0
      ? say(`${params.path} is not set on ${what}`, `${what} 上没有设置 ${params.path}`)
      : say(`${params.path} of ${what} is "${rendered.slice(0, 200)}"`, `${what} 的 ${params.path} 是 "${rendered.slice(0, 200)}"`);
  if (params.exists !== undefined) return { passed: (values.length > 0) === params.exists, observed: shown };
  if (params.equals !== undefined) {
    return { passed: values.length > 0 && rendered === params.equals, observed: joined([shown, say(`expected "${params.equals}"`, `应为 "${params.equals}"`)]) };
  }
  const pattern = new RegExp(params.matches ?? '');
  return { passed: values.length > 0 && pattern.test(rendered), observed: joined([shown, say(`expected to match /${params.matches ?? ''}/`, `应匹配 /${params.matches ?? ''}/`)]) };
};
