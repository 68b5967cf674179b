// Proves one exercise on a fresh sandbox: after the setup, the checks marked
// mustFailBeforeSolution fail; after the solution (run with kubectl in the toolbox, as a
// learner would), every check passes within its timeout.

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

const POLL_MS = 1000;
const OWNER = 'exercises-verify';

export async function verifyExercise(sandboxes: SandboxService, engine: CheckEngine, exerciseId: string | null, exercise: Exercise): Promise<VerifyOutcome> {
  const started = Date.now();
  const problems: string[] = [];
  let sandboxId: string | undefined;
  try {
    const sandbox = await sandboxes.create({ owner: `${OWNER}-${exercise.id}`, exerciseId, exercise });
    sandboxId = sandbox.id;
    const clients = await sandboxes.kubeClients(sandbox.id);
    const id = sandbox.id;
    const context: CheckContext = { clients, readNodeFile: (path) => sandboxes.provider.readNodeFile(id, path) };

    const before = await engine.run(exercise, context, 'verify');
    for (const check of exercise.checks) {
      const result = before.results.find((r) => r.id === check.id);
      if (check.mustFailBeforeSolution && result?.passed) problems.push(`check ${check.id} passes before the solution (${result.observed})`);
      if (result?.error) problems.push(`check ${check.id} could not run before the solution: ${result.observed}`);
    }

    let solved = true;
    for (const step of solutionSteps(exercise)) {
      const result = await sandboxes.provider.exec(id, ['sh', '-c', step.script], { timeoutMs: 120_000, env: step.env });
      if (result.exitCode !== 0) {
        problems.push(`solution ${step.name} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-500)}`);
        solved = false;
        break;
      }
    }

    if (solved) {
      const after = await Promise.all(exercise.checks.map((check) => waitForPass(engine, check, context)));
      for (const result of after) if (!result.passed) problems.push(`check ${result.id} still fails after the solution: ${result.observed}`);
    }
  } catch (error) {
    problems.push(`verification broke: ${errorMessage(error)}`);
  } finally {
    if (sandboxId) await sandboxes.delete(sandboxId).catch((error: unknown) => problems.push(`deleting the sandbox failed: ${errorMessage(error)}`));
  }
  return { exercise: exercise.id, passed: problems.length === 0, problems, seconds: (Date.now() - started) / 1000 };
}

/** The solution as shell steps: each manifest through `kubectl apply -f -`, then the commands. */
export function solutionSteps(exercise: Exercise): { name: string; script: string; env: Record<string, string> }[] {
  const steps = exercise.solution.manifests.map((manifest, index) => ({
    name: `manifest ${index + 1}`,
    script: 'printf "%s\\n" "$KUBELAB_MANIFEST" | kubectl apply -f -',
    env: { KUBELAB_MANIFEST: typeof manifest === 'string' ? manifest : JSON.stringify(manifest) },
  }));
  return [...steps, ...exercise.solution.commands.map((script, index) => ({ name: `command ${index + 1}`, script, env: {} }))];
}

async function waitForPass(engine: CheckEngine, check: CheckSpec, context: CheckContext): Promise<CheckResult> {
  const deadline = Date.now() + check.timeoutSeconds * 1000;
  for (;;) {
    const result = await engine.runOne(check, context);
    if (result.passed || Date.now() >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}
