// Removing the Pod's engine containers and what the kubelet kept for each run (its cgroup,
// termination log, log tail and staging mounts). Every call is safe to repeat.

import { forceRemoveContainer } from '../../engines/remove-container.js';
import { observe } from './engine.js';
import type { ExitStates } from './exit-states.js';
import { LABEL } from './labels.js';
import { removeContainerCgroup } from './sandbox-cgroup.js';
import { removeUnmounted, stagedRuns, stagingRunDir } from './staging-mounts.js';
import { podDir, removePodDir } from './volumes.js';
import type { WorkerContext } from './worker-context.js';

export class ContainerRemoval {
  constructor(
    private readonly ctx: WorkerContext,
    private readonly exits: ExitStates,
  ) {}

  /** Where a run's learner-influenced bind sources are mounted for the engine. */
  stagingOf(container: string, restartCount: number): string {
    return stagingRunDir(podDir(this.ctx.env.podsDir, this.ctx.uid), container, restartCount);
  }

  /**
   * Staging mounts exist only while a run starts; any found when a worker begins (a runner
   * that died mid-start) are unmounted.
   */
  async releaseLeftoverStaging(): Promise<void> {
    for (const run of await stagedRuns(podDir(this.ctx.env.podsDir, this.ctx.uid))) await removeUnmounted(run);
  }

  /** Removes the container of that name, if any, before one of the same name is created. */
  async byName(name: string): Promise<void> {
    if (!name) return;
    await forceRemoveContainer(this.ctx.env.docker, name);
  }

  /** Removes a container and what the kubelet kept for it; false when the engine kept it (another container joined its namespaces). */
  async remove(id: string | undefined): Promise<boolean> {
    if (!id) return true;
    const { env } = this.ctx;
    const info = await observe(env.docker, id).catch(() => undefined);
    const gone = await forceRemoveContainer(env.docker, id, { volumes: true }).then(
      () => true,
      (error) => {
        env.log(`removing container ${id} failed`, error);
        return false;
      },
    );
    if (!gone) return false;
    if (info?.cgroupParent && info.labels[LABEL.role] !== 'infra') await removeContainerCgroup(info.cgroupParent, env.cgroupParent);
    if (info && info.labels[LABEL.role] !== 'infra') {
      await this.exits.forget(id, info);
      await removeUnmounted(this.stagingOf(info.labels[LABEL.container] ?? '', Number(info.labels[LABEL.restartCount] ?? 0)));
    }
    return true;
  }

  /** Removes a run no one needs any more; one the engine keeps (a debug container joined its PID namespace) is tried again later. */
  async removeOrKeep(id: string | undefined): Promise<void> {
    if (id && !(await this.remove(id))) this.ctx.extraContainers.push(id);
  }

  /** Tries again the runs earlier syncs could not remove. */
  async retryExtraContainers(): Promise<void> {
    for (const id of this.ctx.extraContainers.splice(0)) await this.removeOrKeep(id);
  }

  /** Tries again the infra containers of earlier sandboxes. */
  async retryStaleInfra(): Promise<void> {
    const { staleInfra } = this.ctx;
    for (const id of staleInfra.splice(0)) {
      const gone = await forceRemoveContainer(this.ctx.env.docker, id).then(() => true, () => false);
      if (!gone) staleInfra.push(id);
    }
  }

  /** Removes every container of the Pod and its directory (emptyDirs). */
  async removePod(): Promise<void> {
    const { ctx } = this;
    // Ephemeral containers first: the engine keeps a container whose PID namespace another one joined.
    for (const record of [...ctx.records].sort((a, b) => Number(b.role === 'ephemeral') - Number(a.role === 'ephemeral'))) {
      record.probes?.stop();
      await this.remove(record.current?.id);
      await this.remove(record.previousId);
    }
    for (const id of ctx.extraContainers.splice(0)) await this.remove(id);
    await this.remove(ctx.infra?.id);
    for (const id of ctx.staleInfra.splice(0)) await this.remove(id);
    await removePodDir(ctx.env.podsDir, ctx.uid);
  }
}
