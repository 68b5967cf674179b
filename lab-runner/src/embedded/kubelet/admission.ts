// What a sandbox node refuses to run. A sandbox is one learner's virtual cluster on a shared
// machine: there is no host of its own to share, so host namespaces, host ports and
// privileged containers are refused when the Pod is created (the API server calls this).

import type { Container, Pod } from '../k8s-types.js';

function allContainers(pod: Pod): { path: string; container: Container }[] {
  return [
    ...(pod.spec.initContainers ?? []).map((container, i) => ({ path: `spec.initContainers[${i}]`, container })),
    ...(pod.spec.containers ?? []).map((container, i) => ({ path: `spec.containers[${i}]`, container })),
  ];
}

/** Reasons this Pod cannot run in a sandbox; [] when it can. Pure: no I/O. */
export function admissionErrors(pod: Pod): string[] {
  const errors: string[] = [];
  const spec = pod.spec;
  const noHost = 'a Kubelab sandbox is a virtual node on a shared machine and has no host of its own to share';
  if (spec.hostNetwork) errors.push(`spec.hostNetwork: Forbidden: ${noHost}; Pods get their own network namespace`);
  if (spec.hostPID) errors.push(`spec.hostPID: Forbidden: ${noHost}; Pods get their own process namespace`);
  if (spec.hostIPC) errors.push(`spec.hostIPC: Forbidden: ${noHost}; Pods get their own IPC namespace`);
  for (const { path, container } of allContainers(pod)) {
    if (container.securityContext?.privileged) {
      errors.push(`${path}.securityContext.privileged: Forbidden: privileged containers are not allowed in a Kubelab sandbox: they would control the shared machine`);
    }
    if (container.securityContext?.capabilities?.add?.some((cap) => /^(CAP_)?(SYS_ADMIN|ALL)$/i.test(cap))) {
      errors.push(`${path}.securityContext.capabilities.add: Forbidden: SYS_ADMIN and ALL are not allowed in a Kubelab sandbox`);
    }
    (container.ports ?? []).forEach((port, j) => {
      if (port.hostPort !== undefined && port.hostPort !== 0) {
        errors.push(`${path}.ports[${j}].hostPort: Forbidden: ${noHost}; use kubectl port-forward to reach the Pod instead`);
      }
    });
  }
  (spec.volumes ?? []).forEach((volume, i) => {
    const supported = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI'];
    const source = Object.keys(volume).find((key) => key !== 'name');
    if (source && !supported.includes(source)) {
      errors.push(`spec.volumes[${i}].${source}: Unsupported value: a Kubelab sandbox supports ${supported.join(', ')} volumes`);
    }
  });
  return errors;
}
