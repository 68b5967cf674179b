// The runner client of this web process, configured from the validated environment.
import 'server-only';
import { env } from '../env';
import { RunnerClient } from './client';

export { RunnerClient, RunnerClientError } from './client';
export type { RunnerCheckResult, RunnerCheckRun, RunnerSandbox, RunnerSandboxState } from './wire';

const holder = globalThis as unknown as { kubelabRunner?: RunnerClient };

export function runner(): RunnerClient {
  if (!holder.kubelabRunner) {
    const e = env();
    if (!e.RUNNER_TOKEN) throw new Error('RUNNER_TOKEN is not set: the web app cannot reach the lab runner');
    holder.kubelabRunner = new RunnerClient({ baseUrl: e.RUNNER_URL, token: e.RUNNER_TOKEN });
  }
  return holder.kubelabRunner;
}
