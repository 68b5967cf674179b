// Starting a container's next run: the local image (or the image-pull errors and back-off a
// sandbox without a registry gives), the staged mounts and the engine's create options,
// create and start (CreateContainerConfigError, StartError), then postStart and probes.

import type Dockerode from 'dockerode';
import { LOCAL_IMAGE_NAMES } from '../../images/index.js';
import type { Container, ContainerStateTerminated } from '../k8s-types.js';
import { Backoff } from './backoff.js';
import { containerCreateOptions } from './container-config.js';
import type { ContainerLifecycle } from './container-lifecycle.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerRemoval } from './container-removal.js';
import { observe } from './engine.js';
import type { ExitStates } from './exit-states.js';
import { ConfigError } from './field-ref.js';
import { podFileBinds } from './pod-files.js';
import { now } from './status.js';
import { prepareTerminationLog } from './termination-message.js';
import { removeUnmounted } from './staging-mounts.js';
import { stageContainerMounts } from './volume-mounts.js';
import { MountError, type PreparedVolume } from './volumes.js';
import { podContext, SYNC_RETRY_MS, type WorkerContext } from './worker-context.js';

export class ContainerStarter {
  private readonly imageBackoff = new Backoff();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly exits: ExitStates,
    private readonly lifecycle: ContainerLifecycle,
    private readonly removal: ContainerRemoval,
  ) {}

  /** Creates and starts the record's next run. `exited` is the run it replaces, if any. */
  async start(record: ContainerRecord, exited?: ContainerStateTerminated): Promise<void> {
    const { ctx, removal } = this;
    const { env } = ctx;
    const infra = ctx.infra;
    if (!infra) return;
    // Images are local only, and only the platform's own: any other reference cannot be pulled.
    const imageId = record.imageRef ? await env.localImageId(record.imageRef) : undefined;
    if (!imageId) {
      this.imagePullFailed(record);
      return;
    }
    this.imageBackoff.reset(record.name);
    // `kubectl debug --target`: the ephemeral container joins the target container's PID namespace.
    const pidTarget = this.pidTargetOf(record);
    if (pidTarget === null) return;
    const restartCount = exited ? record.restartCount + 1 : record.restartCount;
    let options: Dockerode.ContainerCreateOptions;
    // A run's mounts are staged afresh (left over only when a runner died between staging and creating).
    const runDir = removal.stagingOf(record.name, restartCount);
    await removeUnmounted(runDir);
    try {
      const terminationLog = this.exits.terminationLog(record.name, restartCount);
      await prepareTerminationLog(terminationLog);
      const run = { nodeDir: env.nodeDir, runDir, volumes: ctx.volumes ?? new Map<string, PreparedVolume>() };
      const stage = async (spec: Container, vars: Map<string, string>) => [...podFileBinds(env.podsDir, ctx.uid, spec), ...(await stageContainerMounts(run, spec, vars))];
      // The verified platform image by id: a name re-tagged meanwhile cannot swap what runs.
      options = await containerCreateOptions(podContext(ctx), record.spec, record.role, restartCount, infra.id, imageId, stage, terminationLog);
      if (pidTarget) options.HostConfig = { ...options.HostConfig, PidMode: `container:${pidTarget}` };
    } catch (error) {
      await removeUnmounted(runDir);
      if (!(error instanceof ConfigError) && !(error instanceof MountError)) throw error;
      if (record.waiting?.reason !== 'CreateContainerConfigError' || record.waiting.message !== error.message) {
        // A hostPath that a container turned into a way out since the Pod's volumes were set up.
        if (error instanceof MountError) ctx.event('Warning', 'FailedMount', error.message, record);
        else ctx.event('Warning', 'Failed', `Error: ${error.message}`, record);
      }
      record.waiting = { reason: 'CreateContainerConfigError', message: error.message };
      ctx.schedule(SYNC_RETRY_MS * 5);
      return;
    }
    if (exited) {
      await removal.removeOrKeep(record.previousId);
      record.previousId = record.current?.id;
      record.lastTerminated = exited;
      record.restartCount = restartCount;
    }
    ctx.event('Normal', 'Pulled', `Container image "${record.spec.image}" already present on machine`, record);
    await removal.byName(options.name ?? '');
    const container = await env.docker.createContainer(options).catch(async (error: unknown) => {
      await removeUnmounted(runDir);
      throw error;
    });
    record.waiting = undefined;
    record.startError = undefined;
    record.started = false;
    record.ready = false;
    ctx.event('Normal', 'Created', `Created container: ${record.name}`, record);
    try {
      await container.start();
    } catch (error) {
      await removeUnmounted(runDir);
      const message = String((error as { json?: { message?: string } }).json?.message ?? (error as Error).message);
      record.current = await observe(env.docker, container.id);
      record.startError = { exitCode: 128, reason: 'StartError', message, finishedAt: now(), containerID: `docker://${container.id}` };
      ctx.event('Warning', 'Failed', `Error: ${message}`, record);
      ctx.kick();
      return;
    }
    // The runtime has bound the staged sources into the container's own mount namespace; the
    // host's staging mounts are not needed any more, so none outlives a start (nor the runner).
    await removeUnmounted(runDir);
    record.current = await observe(env.docker, container.id);
    ctx.event('Normal', 'Started', `Started container ${record.name}`, record);
    if (!(await this.lifecycle.postStart(record, container.id))) {
      ctx.kick();
      return;
    }
    if (record.current?.running) this.lifecycle.startProbes(record);
    else ctx.kick();
  }

  /**
   * The engine id of the container whose PID namespace an ephemeral container with a
   * targetContainerName joins; undefined when it joins none of its own (no target, or the
   * whole Pod shares one); null while the target is not running (the start waits for it).
   */
  private pidTargetOf(record: ContainerRecord): string | undefined | null {
    const { ctx } = this;
    const targetName = record.role === 'ephemeral' ? (record.spec as { targetContainerName?: string }).targetContainerName : undefined;
    if (!targetName || ctx.pod.spec.shareProcessNamespace) return undefined;
    const target = ctx.record(targetName)?.current;
    if (target?.running) return target.id;
    const message = `container ${targetName} is not running: the ephemeral container waits to join its process namespace`;
    if (record.waiting?.message !== message) ctx.event('Warning', 'Failed', `Error: ${message}`, record);
    record.waiting = { reason: 'CreateContainerError', message };
    ctx.schedule(SYNC_RETRY_MS);
    return null;
  }

  private imagePullFailed(record: ContainerRecord): void {
    const { ctx } = this;
    const key = record.name;
    const shown = record.spec.image ?? '';
    const registryless = `failed to pull and unpack image "${record.imageRef}": this sandbox has no registry, so only local images can run: ${LOCAL_IMAGE_NAMES.join(', ')}`;
    if (!record.spec.image) {
      record.waiting = { reason: 'InvalidImageName', message: 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format' };
      return;
    }
    const wait = this.imageBackoff.remaining(key);
    // ErrImagePull stays visible for a moment even when another sync follows right away
    // (e.g. the infra container's start event), as it would between two kubelet syncs.
    if (wait > 0 && record.waiting?.reason === 'ErrImagePull' && Date.now() - (record.waitingSince ?? 0) < SYNC_RETRY_MS) {
      ctx.schedule(SYNC_RETRY_MS);
      return;
    }
    if (wait > 0) {
      if (record.waiting?.reason !== 'ImagePullBackOff') {
        ctx.event('Normal', 'BackOff', `Back-off pulling image "${shown}"`, record);
        ctx.event('Warning', 'Failed', 'Error: ImagePullBackOff', record);
      }
      record.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${shown}": ErrImagePull: ${registryless}` };
      ctx.schedule(wait);
      return;
    }
    this.imageBackoff.next(key);
    ctx.event('Normal', 'Pulling', `Pulling image "${shown}"`, record);
    ctx.event('Warning', 'Failed', `Failed to pull image "${shown}": ${registryless}`, record);
    ctx.event('Warning', 'Failed', 'Error: ErrImagePull', record);
    record.waiting = { reason: 'ErrImagePull', message: registryless };
    record.waitingSince = Date.now();
    // The next sync (before the back-off ends) shows ImagePullBackOff, as a real kubelet does.
    ctx.schedule(SYNC_RETRY_MS);
  }
}
