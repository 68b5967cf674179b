// The Pod's sandbox before any container runs: its IP, the Pod files (/etc/hosts, ...),
// its volumes (FailedMount while one cannot be set up) and the infra container whose
// namespaces every container joins, re-created with all containers when it dies.

import { IMAGES } from '../../images/index.js';
import { infraCreateOptions } from './container-config.js';
import type { ContainerRemoval } from './container-removal.js';
import type { ContainerSync } from './container-sync.js';
import { observe } from './engine.js';
import { writePodFiles } from './pod-files.js';
import { handOverVolumes } from './volume-ownership.js';
import { MountError, prepareVolumes, refreshProjectedVolumes, type PreparedVolume, type VolumeContext } from './volumes.js';
import { podContext, SYNC_RETRY_MS, type WorkerContext } from './worker-context.js';

export class PodSandbox {
  private mountWarned = '';
  private podFilesWritten = false;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly removal: ContainerRemoval,
    private readonly containers: ContainerSync,
  ) {}

  private volumeContext(): VolumeContext {
    const { ctx } = this;
    return {
      cluster: ctx.env.cluster,
      nodeDir: ctx.env.nodeDir,
      podsDir: ctx.env.podsDir,
      addresses: { podIP: ctx.podIP ?? '', hostIP: ctx.env.hostIP },
      limits: ctx.env.limits,
    };
  }

  /** Container root is the sandbox's unprivileged uid: it gets the volumes the kubelet made. */
  private async handOverVolumes(volumes: Map<string, PreparedVolume>): Promise<void> {
    const { env, pod } = this.ctx;
    if (env.userns) await handOverVolumes(pod, volumes, { nodeDir: env.nodeDir, podsDir: env.podsDir }, env.userns.hostRoot);
  }

  /** False while a volume cannot be set up (a FailedMount event says why; a sync is scheduled). */
  async ensureVolumes(): Promise<boolean> {
    const { ctx } = this;
    ctx.podIP ??= ctx.env.allocatePodIP();
    // Their content follows fields a Pod update cannot change and the Pod's IP: written once per worker.
    if (!this.podFilesWritten) {
      writePodFiles(ctx.env.podsDir, ctx.pod, ctx.podIP, ctx.env.userns?.hostRoot);
      this.podFilesWritten = true;
    }
    if (ctx.volumes) {
      await refreshProjectedVolumes(ctx.pod, this.volumeContext());
      await this.handOverVolumes(ctx.volumes);
      return true;
    }
    try {
      ctx.volumes = await prepareVolumes(ctx.pod, this.volumeContext());
      await this.handOverVolumes(ctx.volumes);
      this.mountWarned = '';
      return true;
    } catch (error) {
      if (!(error instanceof MountError)) throw error;
      if (this.mountWarned !== error.message) ctx.event('Warning', 'FailedMount', error.message);
      this.mountWarned = error.message;
      ctx.schedule(SYNC_RETRY_MS);
      return false;
    }
  }

  /** True once the infra container runs. */
  async ensureInfra(): Promise<boolean> {
    const { ctx } = this;
    const { docker } = ctx.env;
    if (ctx.infra) {
      const seen = await observe(docker, ctx.infra.id);
      if (seen?.running) {
        ctx.infra = seen;
        return true;
      }
      // The Pod's sandbox died: its namespaces are gone, so every container goes with it.
      ctx.event('Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      for (const record of ctx.records) {
        record.probes?.stop();
        if (record.current?.running) await docker.getContainer(record.current.id).kill().catch(() => undefined);
      }
      // Removed once no container joined to it is left (the engine refuses before).
      ctx.staleInfra.push(ctx.infra.id);
      ctx.sandboxAttempt += 1;
      ctx.infra = undefined;
      await this.containers.refresh();
    }
    ctx.podIP ??= ctx.env.allocatePodIP();
    const options = infraCreateOptions(podContext(ctx), IMAGES.pause, ctx.sandboxAttempt);
    await this.removal.byName(options.name ?? '');
    const container = await docker.createContainer(options);
    await container.start();
    ctx.infra = await observe(docker, container.id);
    return Boolean(ctx.infra?.running);
  }
}
