// What a finished run reports as state.terminated / lastState: exit code, reason and the
// termination message, read from the run's termination log or, for a container that asks
// for FallbackToLogsOnError, from the tail of its log.

import type { ContainerStateTerminated } from '../k8s-types.js';
import type { ContainerRecord } from './container-record.js';
import type { ObservedContainer } from './engine.js';
import { LABEL } from './labels.js';
import { logTail, readTerminationLog, removeTerminationLog, terminationLogPath } from './termination-message.js';
import type { WorkerContext } from './worker-context.js';

/** How long after an exit an empty log tail may still be the engine catching up. */
const LOG_SETTLE_MS = 2_000;

export class ExitStates {
  /** Log tails of failed runs whose container asks for FallbackToLogsOnError, by container id. */
  private readonly logTails = new Map<string, string>();

  constructor(private readonly ctx: Pick<WorkerContext, 'env' | 'uid' | 'schedule'>) {}

  /** The host file a run's terminationMessagePath is bound to. */
  terminationLog(container: string, restartCount: number): string {
    return terminationLogPath(this.ctx.env.podsDir, this.ctx.uid, container, restartCount);
  }

  /** The termination log of the run an engine container is, by its labels. */
  private terminationLogOf(container: ObservedContainer): string {
    return this.terminationLog(container.labels[LABEL.container] ?? '', Number(container.labels[LABEL.restartCount] ?? 0));
  }

  /** The run's termination message: its termination log, else (FallbackToLogsOnError) its log tail, else the engine's error. */
  private terminationMessage(container: ObservedContainer): string {
    return readTerminationLog(this.terminationLogOf(container)) || this.logTails.get(container.id) || container.error;
  }

  async captureLogTail(record: ContainerRecord, container: ObservedContainer): Promise<void> {
    if (record.spec.terminationMessagePolicy !== 'FallbackToLogsOnError' || container.running || container.exitCode === 0 || this.logTails.has(container.id)) return;
    const tail = await logTail(this.ctx.env.docker, container.id, record.spec.tty ?? false).catch((error) => {
      this.ctx.env.log(`reading the logs of ${record.name} for its termination message failed`, error);
      return '';
    });
    // The engine's log writer may trail the exit by a moment: an empty tail right after the
    // exit is read again on a later sync instead of being kept.
    const justExited = Date.now() - Date.parse(container.finishedAt ?? '') < LOG_SETTLE_MS;
    if (!tail && justExited) {
      this.ctx.schedule(LOG_SETTLE_MS / 4);
      return;
    }
    this.logTails.set(container.id, tail);
  }

  terminatedOf(container: ObservedContainer): ContainerStateTerminated {
    const reason = container.oomKilled ? 'OOMKilled' : container.exitCode === 0 ? 'Completed' : 'Error';
    const message = this.terminationMessage(container);
    return {
      exitCode: container.exitCode,
      reason,
      ...(message ? { message } : {}),
      ...(container.startedAt ? { startedAt: container.startedAt } : {}),
      ...(container.finishedAt ? { finishedAt: container.finishedAt } : {}),
      containerID: `docker://${container.id}`,
    };
  }

  /** The state of the record's current run when it is over, else undefined. */
  exitedState(record: ContainerRecord): ContainerStateTerminated | undefined {
    if (record.startError) return record.startError;
    if (!record.current || record.current.running) return undefined;
    return this.terminatedOf(record.current);
  }

  /** Drops what was kept for a removed run (its log tail and termination log). */
  async forget(id: string, container: ObservedContainer): Promise<void> {
    this.logTails.delete(id);
    await removeTerminationLog(this.terminationLogOf(container));
  }
}
