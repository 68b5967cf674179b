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

function refusal(action: () => unknown): { code?: number; reason?: string; message?: string; details?: unknown } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StatusError);
    return (error as StatusError).toStatus() as { code?: number; reason?: string; message?: string; details?: unknown };
  }
  throw new Error('the request was admitted');
}

describe('Pod admission: Pod Security Standard "baseline", worded like PodSecurity', () => {
  const cluster = new VirtualCluster({ id: 'admission', storage: new MemoryStorage() });
  cluster.start();
  const create = (p: Pod) => cluster.create('pods', 'default', p, { fieldManager: 'test' });
  const violates = 'is forbidden: violates PodSecurity "baseline:latest": ';

  it.each([
    ['host-net', { hostNetwork: true }, {}, 'host namespaces (hostNetwork=true)'],
    ['host-pid', { hostPID: true }, {}, 'host namespaces (hostPID=true)'],
    ['priv', {}, { securityContext: { privileged: true } }, 'privileged (container "app" must not set securityContext.privileged=true)'],
    ['host-port', {}, { ports: [{ containerPort: 80, hostPort: 8080 }] }, 'hostPort (container "app" uses hostPort 8080)'],
    ['sys-module', {}, { securityContext: { capabilities: { add: ['SYS_MODULE'] } } }, 'non-default capabilities (container "app" must not include "SYS_MODULE" in securityContext.capabilities.add)'],
    ['cap-prefixed', {}, { securityContext: { capabilities: { add: ['CAP_SYS_ADMIN', 'ALL'] } } }, 'non-default capabilities (container "app" must not include "ALL", "CAP_SYS_ADMIN" in securityContext.capabilities.add)'],
    ['sysctl', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, {}, 'forbidden sysctls (kernel.msgmax)'],
    ['proc', {}, { securityContext: { procMount: 'Unmasked' } }, 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'],
    ['seccomp', { securityContext: { seccompProfile: { type: 'Unconfined' } } }, {}, 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
    ['apparmor', {}, { securityContext: { appArmorProfile: { type: 'Unconfined' } } }, 'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")'],
    ['selinux', {}, { securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } } }, 'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)'],
    ['hostprocess', {}, { securityContext: { windowsOptions: { hostProcess: true } } }, 'hostProcess (container "app" must not set securityContext.windowsOptions.hostProcess=true)'],
    ['probe-host', {}, { livenessProbe: { tcpSocket: { port: 22, host: '10.0.0.1' } } }, 'probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")'],
  ])('refuses %s with 403 Forbidden and the PodSecurity reason', (name, spec, container, reason) => {
    const status = refusal(() => create(pod(name, spec as Partial<Pod['spec']>, container)));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden', details: { name, kind: 'pods' } });
    expect(status.message).toBe(`pods "${name}" ${violates}${reason}`);
    expect(cluster.store.peek('pods', 'default', name)).toBeUndefined();
  });

  it('lists every violation in PodSecurity order, each container named once per check', () => {
    const status = refusal(() =>
      create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'all-of-it' },
        spec: {
          hostNetwork: true,
          hostPID: true,
          hostIPC: true,
          securityContext: { seccompProfile: { type: 'Unconfined' } },
          initContainers: [{ name: 'init', image: 'busybox', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
          containers: [
            { name: 'a', image: 'busybox', securityContext: { privileged: true, capabilities: { add: ['SYS_PTRACE', 'CHOWN'] } }, ports: [{ containerPort: 1, hostPort: 90 }] },
            { name: 'b', image: 'busybox', securityContext: { privileged: true }, ports: [{ containerPort: 2, hostPort: 80 }] },
          ],
        },
      }),
    );
    expect(status.message).toBe(
      `pods "all-of-it" ${violates}host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), ` +
        'hostPort (containers "a", "b" use hostPorts 80, 90), ' +
        'privileged (containers "a", "b" must not set securityContext.privileged=true), ' +
        'non-default capabilities (containers "init", "a" must not include "NET_ADMIN", "SYS_PTRACE" in securityContext.capabilities.add), ' +
        'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  it('admits what baseline allows: its capabilities, safe sysctls, RuntimeDefault seccomp, hostPath (the Kubelab deviation)', () => {
    expect(create(pod('plain', {})).metadata.uid).toBeTruthy();
    const allowed = pod(
      'baseline-ok',
      { securityContext: { sysctls: [{ name: 'net.ipv4.ping_group_range', value: '0 0' }], seccompProfile: { type: 'RuntimeDefault' } }, volumes: [{ name: 'h', hostPath: { path: '/var/log' } }] },
      { securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'MKNOD', 'AUDIT_WRITE'], drop: ['ALL'] }, procMount: 'Default' } },
    );
    expect(create(allowed).metadata.uid).toBeTruthy();
  });

  it('judges an update that changes annotations again (AppArmor annotation), with the same wording', () => {
    const stored = create(pod('later', {}));
    const next = structuredClone(stored);
    next.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    const status = refusal(() => cluster.update('pods', 'default', 'later', next, { fieldManager: 'test' }));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(status.message).toBe(
      `pods "later" ${violates}forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")`,
    );
    expect(cluster.store.peek('pods', 'default', 'later')?.metadata.annotations).toBeUndefined();
  });
});
