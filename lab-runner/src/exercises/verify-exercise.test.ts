// The verifier on real embedded sandboxes: it passes a correct exercise and names what is
// wrong with a broken one (a check that passes before the solution, a solution that fails,
// a check the solution never satisfies).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseSchema } from '@kubelab/exercise-format';
import { CheckEngine } from '../checks/check-engine.js';
import { silentLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { DRAFT_EXERCISE, RunnerFixture } from '../server/testing/runner-fixture.js';
import { verifyExercise } from './verify-exercise.js';

let fixture: RunnerFixture;
const engine = new CheckEngine({ metrics: createMetrics({ defaultMetrics: false }), logger: silentLogger });
const parse = (input: unknown) => exerciseSchema.parse(input);

beforeAll(async () => {
  fixture = await RunnerFixture.start({ env: { RUNNER_MAX_SANDBOXES_PER_OWNER: '3' } });
});
afterAll(async () => {
  await fixture?.destroy();
});

describe('verifyExercise', () => {
  it('passes a sound exercise and leaves no sandbox behind', { timeout: 120_000 }, async () => {
    const outcome = await verifyExercise(fixture.runner.sandboxes!, engine, null, parse(DRAFT_EXERCISE));
    expect(outcome).toMatchObject({ exercise: 'fixture-two-containers', passed: true, problems: [] });
    expect(await fixture.leftovers()).toEqual([]);
  });

  it('reports each broken part of an exercise', { timeout: 180_000 }, async () => {
    const checks = DRAFT_EXERCISE.checks.map((c) => ({ ...c, timeoutSeconds: 2 }));
    const broken = parse({
      ...DRAFT_EXERCISE,
      // The greeting check passes on the setup alone, yet claims it must fail before the solution.
      checks: [checks[0], checks[1], { ...checks[2], mustFailBeforeSolution: true }],
      // One container instead of two.
      solution: { ...DRAFT_EXERCISE.solution, commands: ['kubectl run web --image=busybox -- sleep 3600'] },
    });
    const outcome = await verifyExercise(fixture.runner.sandboxes!, engine, null, broken);
    expect(outcome.passed).toBe(false);
    expect(outcome.problems).toEqual([
      expect.stringMatching(/^check greeting-kept passes before the solution/),
      expect.stringMatching(/^check web-two still fails after the solution: found 1 container: web; expected 2 containers/),
    ]);

    const failingSolution = parse({ ...DRAFT_EXERCISE, solution: { ...DRAFT_EXERCISE.solution, commands: ['kubectl get pod does-not-exist'] } });
    const second = await verifyExercise(fixture.runner.sandboxes!, engine, null, failingSolution);
    expect(second.problems).toEqual([expect.stringMatching(/^solution command 1 exited 1: .*"does-not-exist" not found/)]);
    expect(await fixture.leftovers()).toEqual([]);
  });
});
