// The ephemeralcontainers subresource's rules on the cluster itself, for shapes no kubectl
// sends: whatever arrives is refused with a 422 naming the field, never a crash.

import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../k8s-types.js';
import { StatusError } from '../status-error.js';
import { VirtualCluster } from './cluster.js';
import { MemoryStorage } from './storage.js';

const base = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) as unknown as KubeObject;
const withEphemeral = (ephemeralContainers: unknown): KubeObject => {
  const pod = base() as unknown as Pod;
  pod.spec.ephemeralContainers = ephemeralContainers as unknown[];
  return pod as unknown as KubeObject;
};

function refusal(write: () => unknown): StatusError {
  try {
    write();
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('accepted');
}

let cluster: VirtualCluster;
afterEach(() => cluster?.stop());

describe('ephemeral containers on the cluster', () => {
  it('refuses every malformed list on create and through the subresource, with the field', () => {
    cluster = new VirtualCluster({ id: 'e', storage: new MemoryStorage() });
    cluster.start();
    cluster.create('pods', 'default', base(), { fieldManager: 't' });
    const cases: [unknown, string][] = [
      [[null], 'spec.ephemeralContainers[0]: Invalid value: null: must be an ephemeral container object'],
      [[5], 'spec.ephemeralContainers[0]: Invalid value: 5: must be an ephemeral container object'],
      ['str', 'spec.ephemeralContainers: Invalid value: "str": must be a list of ephemeral containers'],
      [[{}], 'spec.ephemeralContainers[0].name: Required value'],
    ];
    for (const [value, message] of cases) {
      const created = refusal(() => cluster.create('pods', 'default', { ...withEphemeral(value), metadata: { name: 'q', namespace: 'default' } }, { fieldManager: 't', dryRun: true }));
      expect([created.code, created.message]).toEqual([422, expect.stringContaining(message)]);
      const updated = refusal(() => cluster.update('pods', 'default', 'p', withEphemeral(value), { fieldManager: 't', subresource: 'ephemeralcontainers', dryRun: true }));
      expect([updated.code, updated.message]).toEqual([422, expect.stringContaining(message)]);
    }
  });

  it('adds one, defaulted, and then refuses to change or drop it; only the ephemeral containers are taken from the request', () => {
    cluster = new VirtualCluster({ id: 'e2', storage: new MemoryStorage() });
    cluster.start();
    cluster.create('pods', 'default', base(), { fieldManager: 't' });
    const request = withEphemeral([{ name: 'dbg', image: 'busybox', targetContainerName: 'c' }]) as unknown as Pod;
    request.spec.containers = [{ name: 'c', image: 'busybox:1.36' }];
    const stored = cluster.update('pods', 'default', 'p', request as unknown as KubeObject, { fieldManager: 'kubectl-debug', subresource: 'ephemeralcontainers' }) as Pod;
    expect(stored.spec.containers[0]?.image).toBe('busybox');
    expect(stored.spec.ephemeralContainers).toEqual([expect.objectContaining({ name: 'dbg', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', targetContainerName: 'c' })]);
    const dropped = refusal(() => cluster.update('pods', 'default', 'p', withEphemeral([]), { fieldManager: 't', subresource: 'ephemeralcontainers' }));
    expect(dropped.message).toContain('spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed');
    const changed = refusal(() => cluster.update('pods', 'default', 'p', withEphemeral([{ ...(stored.spec.ephemeralContainers as object[])[0], image: 'busybox:1.36' }]), { fieldManager: 't', subresource: 'ephemeralcontainers' }));
    expect(changed.message).toContain('spec.ephemeralContainers[dbg]: Forbidden: existing ephemeral containers "dbg" may not be changed');
  });
});
