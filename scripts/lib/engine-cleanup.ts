// After a test or benchmark platform has stopped, removes the containers its runner left on
// the shared engine (toolboxes and Pod containers of sandboxes whose ids carry its prefix) and
// their sandbox cgroups.
// A runner keeps them on purpose when it stops (a restarted runner adopts them); a throwaway
// platform will never restart, so they would only pile up.
import Docker from 'dockerode';
import { removeSandboxCgroup } from '../../lab-runner/src/embedded/kubelet/sandbox-cgroup.js';

const SANDBOX_LABELS = ['io.kubelab.sandbox', 'io.kubelab.cluster'];

export async function removeSandboxContainers(prefix: string): Promise<number> {
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const ours = containers.filter((c) => SANDBOX_LABELS.some((label) => c.Labels[label]?.startsWith(prefix)));
  // Pod containers first: an infra container cannot go while others still join its namespaces.
  ours.sort((a, b) => Number(a.Labels['io.kubelab.role'] === 'infra') - Number(b.Labels['io.kubelab.role'] === 'infra'));
  for (const c of ours) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const sandboxes = new Set(ours.flatMap((c) => SANDBOX_LABELS.map((label) => c.Labels[label]).filter((id): id is string => !!id)));
  for (const id of sandboxes) await removeSandboxCgroup(id).catch(() => undefined);
  return ours.length;
}
