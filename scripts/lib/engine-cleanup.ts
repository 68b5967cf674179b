// Removes Kubelab containers from the shared engine: after a test or benchmark platform has
// stopped (the containers of sandboxes whose ids carry its prefix), and for `npm run purge`
// (every container of one install). A runner keeps them on purpose when it stops (a restarted
// runner adopts them); a throwaway platform will never restart, so they would only pile up.
import Docker from 'dockerode';
import { forceRemoveContainer } from '../../lab-runner/src/engines/remove-container.js';
import { removeSandboxCgroup } from '../../lab-runner/src/embedded/kubelet/sandbox-cgroup.js';
import { removalStage } from '../../lab-runner/src/embedded/kubelet/userns-holders.js';
import { LABEL_INSTALL } from '../../lab-runner/src/providers/embedded/install-identity.js';

const SANDBOX_LABELS = ['io.kubelab.sandbox', 'io.kubelab.cluster'];
const sandboxOf = (c: Docker.ContainerInfo) => SANDBOX_LABELS.map((label) => c.Labels[label]).find((id): id is string => !!id);

/** Managed containers `pick` selects, removed in dependency order with their sandbox cgroups; returns the failures. */
async function removeManaged(pick: (c: Docker.ContainerInfo) => boolean): Promise<{ removed: number; failed: string[] }> {
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const ours = containers.filter(pick);
  // Pod containers first, then infra containers, then user-namespace holders: the engine keeps one that others join.
  ours.sort((a, b) => removalStage(a.Labels) - removalStage(b.Labels));
  const failed: string[] = [];
  for (const c of ours) {
    await forceRemoveContainer(docker, c.Id, { volumes: true }).catch((error: { message?: string }) => {
      failed.push(`${c.Names[0] ?? c.Id}: ${error.message ?? error}`);
    });
  }
  for (const id of new Set(ours.map(sandboxOf).filter((id): id is string => !!id))) await removeSandboxCgroup(id).catch(() => undefined);
  return { removed: ours.length - failed.length, failed };
}

export async function removeSandboxContainers(prefix: string): Promise<number> {
  return (await removeManaged((c) => sandboxOf(c)?.startsWith(prefix) ?? false)).removed;
}

/** Every container of one install: those carrying its identity, and those of sandboxes it has state for. */
export function removeInstallContainers(installId: string | undefined, sandboxes: ReadonlySet<string>): Promise<{ removed: number; failed: string[] }> {
  return removeManaged((c) => (installId !== undefined && c.Labels[LABEL_INSTALL] === installId) || sandboxes.has(sandboxOf(c) ?? ''));
}
