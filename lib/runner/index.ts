// The runners of this web process, configured from the validated environment, and the
// background round that keeps their health and capacity rows current (so a runner that dies
// while nobody asks still has its sandboxes marked lost, and one that returns is used again).
import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { RunnerRegistry } from './runner-registry';

export { RunnerClient, RunnerClientError } from './client';
export type { RegisteredRunner, RunnerRegistry } from './runner-registry';
export type { RunnerCheckResult, RunnerCheckRun, RunnerSandbox, RunnerSandboxState } from './wire';

const holder = globalThis as unknown as { kubelabRunners?: RunnerRegistry };

export function runners(): RunnerRegistry {
  if (!holder.kubelabRunners) {
    const e = env();
    const registry = new RunnerRegistry(e.runnerEndpoints, e.RUNNER_CHECK_SECONDS * 1000);
    holder.kubelabRunners = registry;
    // unref: the round never keeps a process alive; a failed round is retried on the next tick.
    setInterval(() => void registry.checkAll(db()).catch(() => undefined), e.RUNNER_CHECK_SECONDS * 1000).unref();
  }
  return holder.kubelabRunners;
}
