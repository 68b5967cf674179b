// The scheduler's decisions and wording, for the rules kubectl-level tests do not reach.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../k8s-types.js';
import { fitPod, podRequests, type SchedulableNode } from './scheduler.js';

const node: SchedulableNode = { name: 'kubelab-node', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'kubelab-node', cores: '4' }, allocatable: { cpu: 2, memoryBytes: 2 * 2 ** 30, pods: 3 } };
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: Math.random().toString() }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
const requesting = (cpu?: string, memory?: string): Pod => pod({ containers: [{ name: 'c', image: 'busybox', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } }] });
const affinity = (...terms: unknown[]) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
const MISMATCH = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";

describe('the one-node scheduler', () => {
  it('matches nodeSelector against the node labels', () => {
    expect(fitPod(pod({ nodeSelector: { 'kubernetes.io/os': 'linux' } }), node, [])).toEqual({ fits: true });
    expect(fitPod(pod({ nodeSelector: { 'kubernetes.io/os': 'linux', disktype: 'ssd' } }), node, [])).toEqual({ fits: false, message: MISMATCH });
  });

  it('ORs node affinity terms and ANDs the requirements within one', () => {
    expect(fitPod(affinity({ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }, { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux', 'windows'] }] }), node, []).fits).toBe(true);
    expect(fitPod(affinity({ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }, { key: 'gpu', operator: 'Exists' }] }), node, []).fits).toBe(false);
    expect(fitPod(affinity({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }, { key: 'kubernetes.io/os', operator: 'NotIn', values: ['windows'] }] }), node, []).fits).toBe(true);
    expect(fitPod(affinity({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['3'] }] }), node, []).fits).toBe(true);
    expect(fitPod(affinity({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['3'] }] }), node, []).fits).toBe(false);
    expect(fitPod(affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kubelab-node'] }] }), node, []).fits).toBe(true);
    expect(fitPod(affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker-2'] }] }), node, [])).toEqual({ fits: false, message: MISMATCH });
    // An empty term matches no node.
    expect(fitPod(affinity({}), node, []).fits).toBe(false);
  });

  it('counts what the bound Pods request against the node, and names every shortage', () => {
    expect(fitPod(requesting('1500m', '1Gi'), node, [requesting('500m', '1Gi')]).fits).toBe(true);
    expect(fitPod(requesting('600m', '1Gi'), node, [requesting('1500m', '1536Mi')])).toEqual({
      fits: false,
      message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    });
    expect(fitPod(pod(), node, [pod(), pod(), pod()])).toMatchObject({ fits: false, message: expect.stringContaining('1 Too many pods.') });
    // A Pod that requests nothing fits however full the node is.
    expect(fitPod(pod(), node, [requesting('2', '2Gi')]).fits).toBe(true);
  });

  it('takes the larger of the app containers with sidecars, and any init container with the sidecars before it', () => {
    const p = pod({
      initContainers: [
        { name: 'sidecar', image: 'busybox', restartPolicy: 'Always', resources: { requests: { memory: '100Mi' } } },
        { name: 'migrate', image: 'busybox', resources: { requests: { memory: '1Gi', cpu: '100m' } } },
      ],
      containers: [
        { name: 'a', image: 'busybox', resources: { requests: { memory: '200Mi', cpu: '250m' } } },
        { name: 'b', image: 'busybox', resources: { requests: { memory: '200Mi', cpu: '250m' } } },
      ],
      overhead: { memory: '10Mi' },
    });
    expect(podRequests(p)).toEqual({ cpu: 0.5, memoryBytes: (1024 + 100 + 10) * 2 ** 20 });
  });
});
