// An instructor's "Try it" sandboxes: made from a draft spec as it is (unsaved changes
// included), owned by the instructor, marked purpose "try" so the learner's page never offers
// them and Check grades against the draft without recording an attempt. One per instructor and
// exercise: trying again replaces the previous one.
import type { Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { deleteSandbox, type SandboxWithView } from '../runner/learner-sandboxes';
import { createOnBestRunner } from '../runner/placement';
import type { RunnerRegistry } from '../runner/runner-registry';

export async function openTrySandbox(db: Db, runners: RunnerRegistry, userId: string, exerciseId: string, spec: Exercise): Promise<SandboxWithView> {
  const previous = await db.sandbox.findMany({ where: { userId, exerciseId, purpose: 'try', state: { in: ['provisioning', 'ready'] } } });
  for (const row of previous) await deleteSandbox(db, runners, row);
  const { value: view, host } = await createOnBestRunner(db, runners, (client) => client.createSandbox(userId, spec as unknown as Record<string, unknown>));
  const row = await db.sandbox.create({
    data: { runnerId: view.id, hostRunnerId: host.id, userId, exerciseId, purpose: 'try', draftSpec: spec as object, state: view.state, expiresAt: new Date(view.expiresAt) },
  });
  return { row, view };
}
