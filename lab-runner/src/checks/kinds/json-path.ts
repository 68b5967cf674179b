import type { KubernetesObject } from '@kubernetes/client-node';
import { apiStatus } from '../kube-clients.js';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE } from '../check-context.js';
import { jsonPathValues, renderJsonPath } from '../jsonpath.js';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition']);

export const jsonPath: KindEvaluator<'jsonPath'> = async (params, ctx) => {
  const namespace = CLUSTER_SCOPED.has(params.kind) ? undefined : (params.namespace ?? DEFAULT_NAMESPACE);
  const what = `${params.kind.toLowerCase()} ${params.name}`;
  let object: KubernetesObject;
  try {
    object = await ctx.clients.objects.read({ apiVersion: params.apiVersion, kind: params.kind, metadata: { name: params.name, ...(namespace ? { namespace } : {}) } });
  } catch (error) {
    if (apiStatus(error) === 404) return { passed: params.exists === false, observed: `no ${what}${namespace ? ` in namespace ${namespace}` : ''}` };
    throw error;
  }
  const values = jsonPathValues(params.path, object);
  const rendered = renderJsonPath(params.path, object);
  const shown = values.length === 0 ? `${params.path} is not set on ${what}` : `${params.path} of ${what} is "${rendered.slice(0, 200)}"`;
  if (params.exists !== undefined) return { passed: (values.length > 0) === params.exists, observed: shown };
  if (params.equals !== undefined) {
    return { passed: values.length > 0 && rendered === params.equals, observed: `${shown}; expected "${params.equals}"` };
  }
  const pattern = new RegExp(params.matches ?? '');
  return { passed: values.length > 0 && pattern.test(rendered), observed: `${shown}; expected to match /${params.matches ?? ''}/` };
};
