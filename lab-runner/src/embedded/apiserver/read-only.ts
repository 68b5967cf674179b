// Platform-owned resources (the node, the `kubernetes` Service, derived objects): which ones
// learners may only read, and the RBAC-style 403 a real cluster gives a user without write access.

import { StatusError } from '../status-error.js';
import type { ResourceInfo } from './resources.js';

/** Resources the platform owns: learners may read them but not change them. */
export const READ_ONLY = new Set(['nodes', 'services']);

/** The RBAC-style refusal a real cluster gives a user without write access. */
export function forbiddenReadOnly(info: ResourceInfo, verb: string, name: string, namespace: string | undefined): StatusError {
  const v = verb === 'PUT' ? 'update' : verb === 'PATCH' ? 'patch' : verb.toLowerCase();
  const scope = info.namespaced ? `in the namespace "${namespace ?? 'default'}"` : 'at the cluster scope';
  return new StatusError(403, 'Forbidden', `${info.name}${name ? ` "${name}"` : ''} is forbidden: User "kubelab" cannot ${v} resource "${info.name}" in API group "${info.group}" ${scope}`, {
    ...(name ? { name } : {}),
    kind: info.name,
  });
}
