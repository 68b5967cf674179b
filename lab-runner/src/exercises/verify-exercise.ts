// Proves one exercise on a fresh sandbox: after the setup, the checks marked
// mustFailBeforeSolution fail; after the solution (run with kubectl in the toolbox, as a
// learner would), every check passes within its timeout. Each step is reported as it happens
// (`onEvent`): `npm run exercises:verify` prints the outcome, the web app's "Prove it" streams
// the events to the author.

import type { CheckSpec, Exercise } from '@kubelab/exercise-format';
import type { CheckEngine, CheckResult } from '../checks/check-engine.js';
import type { CheckContext } from '../checks/check-context.js';
import { errorMessage } from '../errors.js';
import type { SandboxService } from '../sandboxes/sandbox-service.js';

export interface VerifyOutcome {
  exercise: string;
  passed: boolean;
  problems: string[];
  seconds: number;
}

/** One check as the proof saw it; `ok` says whether that is what the proof needs at this point. */
export interface ProofCheck {
  id: string;
  passed: boolean;
  mustFailBeforeSolution: boolean;
  ok: boolean;
  observed: string;
}

export type ProofEvent =
  | { type: 'setup'; ok: boolean; sandbox?: string; seconds: number; error?: string }
  | { type: 'before'; checks: ProofCheck[] }
  | { type: 'solution'; step: string; ok: boolean; exitCode: number | null; output: string }
  | { type: 'after'; check: ProofCheck }
  | ({ type: 'done' } & VerifyOutcome);

export interface VerifyOptions {
  onEvent?: (event: ProofEvent) => void;
  /** Aborts the proof (the client went away); the sandbox is still deleted. */
  signal?: AbortSignal;
  /** How long one solution step may run. */
  solutionStepTimeoutMs?: number;
  owner?: string;
}

const POLL_MS = 1000;
const OWNER = 'exercises-verify';
const OUTPUT_LIMIT = 2000;

export async function verifyExercise(
  sandboxes: SandboxService,
  engine: CheckEngine,
  exerciseId: string | null,
  exercise: Exercise,
  options: VerifyOptions = {},
): Promise<VerifyOutcome> {
  const started = Date.now();
  const emit = (event: ProofEvent) => options.onEvent?.(event);
  const problems: string[] = [];
  let sandboxId: string | undefined;
  let setupDone = false;
  try {
    const sandbox = await sandboxes.create({ owner: options.owner ?? `${OWNER}-${exercise.id}`, exerciseId, exercise }, options.signal);
    sandboxId = sandbox.id;
    setupDone = true;
    emit({ type: 'setup', ok: true, sandbox: sandbox.id, seconds: (Date.now() - started) / 1000 });
    const clients = await sandboxes.kubeClients(sandbox.id);
    const id = sandbox.id;
    const context: CheckContext = { clients, readNodeFile: (path) => sandboxes.provider.readNodeFile(id, path) };

    const before = await engine.run(exercise, context, 'verify');
    const beforeChecks: ProofCheck[] = [];
    for (const check of exercise.checks) {
      const result = before.results.find((r) => r.id === check.id);
      const passed = result?.passed ?? false;
      if (check.mustFailBeforeSolution && passed) problems.push(`check ${check.id} passes before the solution (${result?.observed})`);
      if (result?.error) problems.push(`check ${check.id} could not run before the solution: ${result.observed}`);
      beforeChecks.push({
        id: check.id,
        passed,
        mustFailBeforeSolution: check.mustFailBeforeSolution,
        ok: !result?.error && !(check.mustFailBeforeSolution && passed),
        observed: result?.observed ?? '',
      });
    }
    emit({ type: 'before', checks: beforeChecks });

    let solved = true;
    for (const step of solutionSteps(exercise)) {
      options.signal?.throwIfAborted();
      let exitCode: number | null = null;
      let output = '';
      try {
        const result = await untilAborted(
          sandboxes.provider.exec(id, ['sh', '-c', step.script], { timeoutMs: options.solutionStepTimeoutMs ?? 120_000, env: step.env }),
          options.signal,
        );
        exitCode = result.exitCode;
        output = (result.stdout + result.stderr).trim().slice(-OUTPUT_LIMIT);
        if (result.exitCode !== 0) problems.push(`solution ${step.name} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-500)}`);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        output = errorMessage(error);
        problems.push(`solution ${step.name} failed: ${output}`);
      }
      emit({ type: 'solution', step: step.name, ok: exitCode === 0, exitCode, output });
      if (exitCode !== 0) {
        solved = false;
        break;
      }
    }

    if (solved) {
      const after = await Promise.all(
        exercise.checks.map(async (check) => {
          const result = await waitForPass(engine, check, context, options.signal);
          emit({ type: 'after', check: { id: result.id, passed: result.passed, mustFailBeforeSolution: check.mustFailBeforeSolution, ok: result.passed, observed: result.observed } });
          return result;
        }),
      );
      for (const result of after) if (!result.passed) problems.push(`check ${result.id} still fails after the solution: ${result.observed}`);
    }
  } catch (error) {
    const message = errorMessage(error);
    if (!setupDone) emit({ type: 'setup', ok: false, seconds: (Date.now() - started) / 1000, error: message });
    problems.push(`verification broke: ${message}`);
  } finally {
    if (sandboxId) await sandboxes.delete(sandboxId).catch((error: unknown) => problems.push(`deleting the sandbox failed: ${errorMessage(error)}`));
  }
  const outcome = { exercise: exercise.id, passed: problems.length === 0, problems, seconds: (Date.now() - started) / 1000 };
  emit({ type: 'done', ...outcome });
  return outcome;
}

/** The solution as shell steps: each manifest through `kubectl apply -f -`, then the commands. */
function solutionSteps(exercise: Exercise): { name: string; script: string; env: Record<string, string> }[] {
  const steps = exercise.solution.manifests.map((manifest, index) => ({
    name: `manifest ${index + 1}`,
    script: 'printf "%s\\n" "$KUBELAB_MANIFEST" | kubectl apply -f -',
    env: { KUBELAB_MANIFEST: typeof manifest === 'string' ? manifest : JSON.stringify(manifest) },
  }));
  return [...steps, ...exercise.solution.commands.map((script, index) => ({ name: `command ${index + 1}`, script, env: {} }))];
}

async function waitForPass(engine: CheckEngine, check: CheckSpec, context: CheckContext, signal?: AbortSignal): Promise<CheckResult> {
  const deadline = Date.now() + check.timeoutSeconds * 1000;
  for (;;) {
    const result = await engine.runOne(check, context);
    if (result.passed || Date.now() >= deadline || signal?.aborted) return result;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

/** `work`, or the abort's reason as soon as `signal` fires (the sandbox's deletion ends the work). */
function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
