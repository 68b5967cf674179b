// The live panel's view of a Pod: what kubectl would say about where it is and why.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podSummary } from './workload-summary.js';

const base = (status: V1Pod['status'], metadata: V1Pod['metadata'] = {}): V1Pod => ({
  metadata: { name: 'pair', namespace: 'default', ...metadata },
  spec: { containers: [{ name: 'web', image: 'busybox' }] },
  status,
});

describe('podSummary', () => {
  it("says why a Pod is Pending when the scheduler turned it down, in the scheduler's words", () => {
    const message = '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
    const pod = base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] });
    expect(podSummary(pod)).toMatchObject({ phase: 'Pending', reason: 'Unschedulable', message, containers: [{ name: 'web', state: 'unknown', reason: null }] });
  });

  it('says Terminating while a Pod is being deleted, and gives the Pod its own reason otherwise', () => {
    expect(podSummary(base({ phase: 'Running' }, { deletionTimestamp: new Date() }))).toMatchObject({ reason: 'Terminating', deleting: true });
    expect(podSummary(base({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' }))).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(podSummary(base({ phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] }))).toMatchObject({ reason: null, message: null });
  });
});
