import { describe, expect, it } from 'vitest';
import type { Pod } from '../k8s-types.js';
import { StatusError } from '../status-error.js';
import { VirtualCluster } from './cluster.js';
import { MemoryStorage } from './storage.js';

const pod = (name: string, spec: Partial<Pod['spec']>, container: Record<string, unknown> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox', ...container }], ...spec },
});

describe('Pod admission', () => {
  const cluster = new VirtualCluster({ id: 'admission', storage: new MemoryStorage() });
  cluster.start();
  const create = (p: Pod) => cluster.create('pods', 'default', p, { fieldManager: 'test' });

  it.each([
    ['host-net', { hostNetwork: true }, {}, /spec\.hostNetwork: Forbidden: a Kubelab sandbox .* no host of its own/],
    ['host-pid', { hostPID: true }, {}, /spec\.hostPID: Forbidden/],
    ['priv', {}, { securityContext: { privileged: true } }, /spec\.containers\[0\]\.securityContext\.privileged: Forbidden/],
    ['host-port', {}, { ports: [{ containerPort: 80, hostPort: 8080 }] }, /spec\.containers\[0\]\.ports\[0\]\.hostPort: Forbidden: .*port-forward/],
  ])('refuses %s with 403 Forbidden and says why', (name, spec, container, message) => {
    let error: unknown;
    try {
      create(pod(name, spec, container));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StatusError);
    const status = (error as StatusError).toStatus();
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(String(status.message)).toMatch(new RegExp(`^pods "${name}" is forbidden: `));
    expect(String(status.message)).toMatch(message);
    expect(cluster.store.peek('pods', 'default', name)).toBeUndefined();
  });

  it('admits an ordinary Pod', () => {
    expect(create(pod('plain', {})).metadata.uid).toBeTruthy();
  });
});
