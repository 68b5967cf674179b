// Where learners look next, through real kubectl on the real kubelet and engine: the Pod's
// deadline, the files the kubelet manages (/etc/hosts, /etc/hostname, /etc/resolv.conf),
// ephemeral containers (`kubectl debug`, also with --target) and a shared process namespace.

import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Pod } from '../k8s-types.js';
import type { DiskShares } from './eviction.js';
import { createKubeletWith } from './index.js';
import { docker, engineContainers, waitFor } from './testing/helpers.js';
import { startKubectlNode, type KubectlNode } from './testing/kubectl-node.js';

// Real containers on a machine shared with other suites: allow for a loaded engine.
vi.setConfig({ testTimeout: 120_000 });

let node: KubectlNode;
let dir: string;

const kubectl = (args: string[], stdin?: string) => node.kubectl(args, stdin);

async function apply(name: string, manifest: object): Promise<void> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(manifest));
  const r = await kubectl(['apply', '-f', file]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`pod/${name} created\n`);
}

async function getPod(name: string): Promise<Pod> {
  const r = await kubectl(['get', 'pod', name, '-o', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Pod;
}

async function waitRunning(name: string): Promise<Pod> {
  const r = await kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
  expect(r.stdout).toBe(`pod/${name} condition met\n`);
  return getPod(name);
}

const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });

beforeAll(async () => {
  node = await startKubectlNode('debug');
  ({ dir } = node);
});

afterAll(async () => {
  expect(await node?.cleanup()).toEqual([]);
});

describe('activeDeadlineSeconds', () => {
  const MESSAGE = 'Pod was active on the node longer than the specified deadline';
  /** What stopping a Pod's containers may take beyond its grace period on a busy shared engine. */
  const SLACK_MS = 4_000;

  /**
   * Watches the Pod (kubectl get -w) from now on and resolves with the moment (ms since epoch)
   * its phase is first seen Failed: a watch event arrives as the status is written, so the
   * measurement carries no polling delay.
   */
  function failedAt(name: string): Promise<number> {
    const child = node.spawn(['get', 'pod', name, '-w', '-o', 'jsonpath={.status.phase}{"\\n"}']);
    return new Promise<number>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${name} not Failed within 60 s; phases seen: ${buffered.replace(/\n/g, ' ')}`));
      }, 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        if (buffered.split('\n').includes('Failed')) {
          const at = Date.now();
          clearTimeout(timer);
          child.kill();
          resolve(at);
        }
      });
    });
  }

  it('ends a sleeping Pod at its deadline: Failed, DeadlineExceeded, the kubelet message and an event', async () => {
    // sleep is PID 1 and ignores SIGTERM: as on a real node it is killed when the grace period ends.
    await apply('deadline', pod('deadline', { activeDeadlineSeconds: 5, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const started = await waitRunning('deadline');
    const end = await failedAt('deadline');
    const deadline = Date.parse(started.status?.startTime ?? '') + 5_000;
    const late = end - deadline;
    console.log(`deadline: Failed seen ${late} ms after the deadline (grace period 1 s)`);
    // The kill takes the 1 s grace period; the rest is the engine stopping containers, which takes
    // seconds on a loaded machine (about 1 s idle). A deadline that is not enforced fails by far.
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(1_000 + SLACK_MS);
    const status = (await getPod('deadline')).status;
    expect(status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: MESSAGE });
    expect(status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=deadline,reason=DeadlineExceeded', '-o', 'jsonpath={.items[*].type} {.items[*].message}']);
    expect(events.stdout).toBe(`Normal ${MESSAGE}`);
  });

  it('is enforced when set on a running Pod, may be lowered but never raised or removed', async () => {
    await apply('later', pod('later', { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const running = await waitRunning('later');
    const patch = (body: string, type = 'merge') => kubectl(['patch', 'pod', 'later', '--type', type, '-p', body]);
    expect((await patch('{"spec":{"activeDeadlineSeconds":3600}}')).stdout).toBe('pod/later patched\n');
    const raised = await patch('{"spec":{"activeDeadlineSeconds":3601}}');
    expect(raised.stderr).toContain('The Pod "later" is invalid: spec.activeDeadlineSeconds: Invalid value: 3601: must be less than or equal to previous value');
    const removed = await patch('[{"op":"remove","path":"/spec/activeDeadlineSeconds"}]', 'json');
    expect(removed.stderr).toContain('spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value');
    const zero = await patch('{"spec":{"activeDeadlineSeconds":0}}');
    expect(zero.stderr).toContain('spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive');
    expect((await getPod('later')).status?.phase).toBe('Running');
    // Lowered to a deadline already behind the Pod: it ends at once.
    const startedAt = Date.parse(running.status?.startTime ?? '');
    const lowered = Math.max(1, Math.floor((Date.now() - startedAt) / 1000));
    const failed = failedAt('later');
    const patched = await patch(`{"spec":{"activeDeadlineSeconds":${lowered}}}`);
    const at = Date.now();
    expect(patched.stdout).toBe('pod/later patched\n');
    const end = await failed;
    console.log(`deadline lowered on a running Pod: Failed ${end - at} ms after the patch returned (grace period 1 s)`);
    expect(end - at).toBeLessThan(1_000 + SLACK_MS);
    expect((await getPod('later')).status).toMatchObject({ reason: 'DeadlineExceeded', message: MESSAGE });
  });

  it('added to a running Pod counts from its start', async () => {
    await apply('added', pod('added', { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const running = await waitRunning('added');
    const startedAt = Date.parse(running.status?.startTime ?? '');
    const deadline = Math.ceil((Date.now() - startedAt) / 1000) + 4;
    const failed = failedAt('added');
    expect((await kubectl(['patch', 'pod', 'added', '-p', `{"spec":{"activeDeadlineSeconds":${deadline}}}`])).stdout).toBe('pod/added patched\n');
    const end = await failed;
    const late = end - (startedAt + deadline * 1000);
    console.log(`deadline added to a running Pod: Failed ${late} ms after it (grace period 0)`);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(SLACK_MS);
  });
});

describe('the files the kubelet manages', () => {
  it('/etc/hosts, /etc/hostname and /etc/resolv.conf as a real kubelet writes them, read-only, nothing of the host', async () => {
    await apply('named', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'named', namespace: 'default' },
      spec: {
        hostname: 'web-0',
        subdomain: 'web',
        hostAliases: [
          { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
          { ip: '10.1.2.3', hostnames: ['foo.remote'] },
        ],
        dnsConfig: { searches: ['example.org'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
        containers: [
          { name: 'a', image: 'busybox', command: ['sleep', '3600'] },
          { name: 'b', image: 'busybox', command: ['sleep', '3600'] },
        ],
      },
    });
    const ip = (await waitRunning('named')).status?.podIP ?? '';
    expect(ip).toMatch(/^10\.244\./);
    const hosts = [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
      `${ip}\tweb-0.web.default.svc.cluster.local\tweb-0`,
      '',
      '# Entries added by HostAliases.',
      '127.0.0.1\tfoo.local\tbar.local',
      '10.1.2.3\tfoo.remote',
      '',
    ].join('\n');
    for (const container of ['a', 'b']) {
      expect((await kubectl(['exec', 'named', '-c', container, '--', 'cat', '/etc/hosts'])).stdout).toBe(hosts);
      expect((await kubectl(['exec', 'named', '-c', container, '--', 'cat', '/etc/hostname'])).stdout).toBe('web-0\n');
      expect((await kubectl(['exec', 'named', '-c', container, '--', 'hostname'])).stdout).toBe('web-0\n');
      expect((await kubectl(['exec', 'named', '-c', container, '--', 'cat', '/etc/resolv.conf'])).stdout).toBe(
        'search default.svc.cluster.local svc.cluster.local cluster.local example.org\nnameserver 10.96.0.10\noptions ndots:2 edns0\n',
      );
    }
    // Owned by the container's root (under the sandbox's user namespace too), as a kubelet's are.
    expect((await kubectl(['exec', 'named', '-c', 'a', '--', 'stat', '-c', '%u %g %a', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf'])).stdout).toBe('0 0 644\n'.repeat(3));
    // Root in the container still cannot change them: the kubelet's copies are mounted read-only.
    const write = await kubectl(['exec', 'named', '-c', 'a', '--', 'sh', '-c', 'echo 6.6.6.6 evil >> /etc/hosts']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
    const all = (await kubectl(['exec', 'named', '-c', 'a', '--', 'cat', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf'])).stdout;
    expect(all).not.toContain(hostname());
    expect(all).not.toMatch(/host\.containers\.internal|kubelab_/);
  });

  it('a plain Pod: its name as hostname, no HostAliases section, the cluster DNS', async () => {
    await apply('plain', pod('plain', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const ip = (await waitRunning('plain')).status?.podIP ?? '';
    const hosts = (await kubectl(['exec', 'plain', '--', 'cat', '/etc/hosts'])).stdout;
    expect(hosts.endsWith(`fe00::2\tip6-allrouters\n${ip}\tplain\n`)).toBe(true);
    expect((await kubectl(['exec', 'plain', '--', 'cat', '/etc/resolv.conf'])).stdout).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });
});

describe('ephemeral containers (kubectl debug)', () => {
  it('adds a debug container to a running Pod: status, events, exec, logs; the shared network and hostname', async () => {
    await apply('app', pod('app', { containers: [{ name: 'web', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'] }] }));
    await waitRunning('app');
    const debug = await kubectl(['debug', 'app', '--image=busybox', '-c', 'dbg', '--', 'sh', '-c', 'echo debugging; exec sleep 600']);
    // kubectl 1.31+ warns that its default profile (legacy) is deprecated; nothing else goes wrong.
    expect(debug.stderr.replace(/^--profile=legacy is deprecated.*\n/m, '')).toBe('');
    expect(debug.code).toBe(0);
    const status = await waitFor('dbg running', async () => {
      const s = (await getPod('app')).status?.ephemeralContainerStatuses?.find((c) => c.name === 'dbg');
      return s?.state?.running ? s : undefined;
    });
    expect(status).toMatchObject({ name: 'dbg', ready: false, restartCount: 0, image: expect.stringContaining('busybox') });
    const spec = (await getPod('app')).spec.ephemeralContainers as Record<string, unknown>[];
    expect(spec).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox', terminationMessagePolicy: 'File', terminationMessagePath: '/dev/termination-log' })]);
    expect((await kubectl(['logs', 'app', '-c', 'dbg'])).stdout).toBe('debugging\n');
    // Same network namespace as the Pod: the web container's port answers on localhost.
    expect((await kubectl(['exec', 'app', '-c', 'dbg', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/'])).stdout).toBe('hello\n');
    expect((await kubectl(['exec', 'app', '-c', 'dbg', '--', 'hostname'])).stdout).toBe('app\n');
    // Without --target its processes are its own.
    expect((await kubectl(['exec', 'app', '-c', 'dbg', '--', 'ps', '-o', 'args'])).stdout).not.toContain('httpd');
    const describe = (await kubectl(['describe', 'pod', 'app'])).stdout;
    expect(describe).toMatch(/^Ephemeral Containers:\n\s+dbg:\n/m);
    expect(describe).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container dbg/);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=app,reason=Started', '-o', 'jsonpath={range .items[*]}{.involvedObject.fieldPath}{"\\n"}{end}']);
    expect(events.stdout).toContain('spec.ephemeralContainers{dbg}');
    // Ready stays what the regular containers say.
    expect((await kubectl(['get', 'pod', 'app'])).stdout).toMatch(/^app\s+1\/1\s+Running\s+0\s+/m);
  });

  it('kubectl debug -i --target joins the target container\'s process namespace, with stdin attached', async () => {
    const session = await kubectl(['debug', '-i', 'app', '--image=busybox', '--target=web', '-c', 'shell', '--', 'sh'], 'ps -o pid,args; echo pid1=$(cat /proc/1/cmdline | tr "\\0" " "); exit\n');
    expect(session.stdout).toMatch(/^\s*1 httpd -f -p 8080 -h \/www$/m);
    expect(session.stdout).toContain('pid1=httpd -f -p 8080 -h /www');
    expect(session.stdout).toMatch(/^\s*\d+ sh$/m);
    // It ran and ended: terminated, never restarted.
    const status = await waitFor('shell terminated', async () => (await getPod('app')).status?.ephemeralContainerStatuses?.find((c) => c.name === 'shell' && c.state?.terminated));
    expect(status).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
  });

  it('refuses what Kubernetes refuses: fields an ephemeral container cannot have, a taken name, changes and removals', async () => {
    const dup = await kubectl(['debug', 'app', '--image=busybox', '-c', 'web', '--', 'true']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('spec.ephemeralContainers[2].name: Duplicate value: "web"');
    const target = await kubectl(['debug', 'app', '--image=busybox', '-c', 'x', '--target=nope', '--', 'true']);
    expect(target.stderr).toContain('spec.ephemeralContainers[2].targetContainerName: Not found: "nope"');
    const current = await getPod('app');
    const path = '/api/v1/namespaces/default/pods/app/ephemeralcontainers';
    const put = async (ephemeralContainers: unknown[]) => {
      const file = join(dir, 'ephemeral.json');
      await writeFile(file, JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: (await getPod('app')).metadata.resourceVersion }, spec: { ...current.spec, ephemeralContainers } }));
      return kubectl(['replace', '--raw', path, '-f', file]);
    };
    const existing = current.spec.ephemeralContainers as Record<string, unknown>[];
    const withPorts = await put([...existing, { name: 'p', image: 'busybox', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } }, lifecycle: { preStop: { exec: { command: ['true'] } } } }]);
    expect(withPorts.stderr).toContain('spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container');
    expect(withPorts.stderr).toContain('spec.ephemeralContainers[2].resources: Forbidden: cannot be set for an Ephemeral Container');
    expect(withPorts.stderr).toContain('spec.ephemeralContainers[2].lifecycle: Forbidden: cannot be set for an Ephemeral Container');
    const removed = await put(existing.slice(1));
    expect(removed.stderr).toContain('spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed');
    const changed = await put([{ ...existing[0], image: 'busybox:1.36' }, ...existing.slice(1)]);
    expect(changed.stderr).toContain('spec.ephemeralContainers[dbg]: Forbidden: existing ephemeral containers "dbg" may not be changed');
    // The same PodSecurity rules as any container.
    const privileged = await put([...existing, { name: 'root', image: 'busybox', securityContext: { privileged: true } }]);
    expect(privileged.stderr).toContain('violates PodSecurity "baseline:latest": privileged (container "root" must not set securityContext.privileged=true)');
    // A regular update may not slip one in either.
    const file = join(dir, 'sneak.json');
    await writeFile(file, JSON.stringify({ spec: { ephemeralContainers: [...existing, { name: 'sneak', image: 'busybox' }] } }));
    const sneak = await kubectl(['patch', 'pod', 'app', '--type', 'merge', '--patch-file', file]);
    expect(sneak.code).not.toBe(0);
    expect(((await getPod('app')).spec.ephemeralContainers as unknown[]).length).toBe(2);
    // A Pod cannot be created with one.
    const created = join(dir, 'created.json');
    await writeFile(created, JSON.stringify(pod('born', { containers: [{ name: 'c', image: 'busybox' }], ephemeralContainers: [{ name: 'e', image: 'busybox' }] })));
    expect((await kubectl(['create', '-f', created])).stderr).toContain('spec.ephemeralContainers: Forbidden: cannot be set on create');
    // An image the sandbox does not have: ErrImagePull on the ephemeral container, the Pod unaffected.
    expect((await kubectl(['debug', 'app', '--image=nginx', '-c', 'noimage', '--', 'true'])).code).toBe(0);
    await waitFor('noimage pull error', async () => /ErrImagePull|ImagePullBackOff/.test((await getPod('app')).status?.ephemeralContainerStatuses?.find((c) => c.name === 'noimage')?.state?.waiting?.reason ?? ''));
    expect((await getPod('app')).status?.phase).toBe('Running');
  });

  it('GETs the subresource and lists it in discovery', async () => {
    const got = JSON.parse((await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/app/ephemeralcontainers'])).stdout) as Pod;
    expect(got.kind).toBe('Pod');
    expect((got.spec.ephemeralContainers as { name: string }[]).map((c) => c.name)).toEqual(['dbg', 'shell', 'noimage']);
    const discovery = JSON.parse((await kubectl(['get', '--raw', '/api/v1'])).stdout) as { resources: { name: string; kind: string; verbs: string[] }[] };
    expect(discovery.resources.find((r) => r.name === 'pods/ephemeralcontainers')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  });
});

describe('a debug container in the PID namespace of a container that restarts', () => {
  it('the run it joined outlives its restart until the Pod goes, and then nothing is left', { timeout: 240_000 }, async () => {
    // Each run of app ends when told to (a file in its own /tmp), so the restarts are the test's to make.
    await apply('flaky', pod('flaky', { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'while [ ! -e /tmp/stop ]; do sleep 0.2; done; exit 1'] }] }));
    await waitRunning('flaky');
    expect((await kubectl(['debug', 'flaky', '--image=busybox', '--target=app', '-c', 'watcher', '--', 'sleep', '600'])).code).toBe(0);
    await waitFor('watcher running', async () => (await getPod('flaky')).status?.ephemeralContainerStatuses?.[0]?.state?.running, 60_000);
    const app = async () => (await getPod('flaky')).status?.containerStatuses?.[0];
    // The watcher is in run 0's PID namespace; after two restarts the kubelet removes run 0.
    for (const restarts of [1, 2]) {
      await kubectl(['exec', 'flaky', '-c', 'app', '--', 'touch', '/tmp/stop']);
      await waitFor(`restart ${restarts}`, async () => (await app())?.restartCount === restarts && (await app())?.state?.running, 90_000);
    }
    expect((await kubectl(['delete', 'pod', 'flaky', '--timeout=60s'])).stdout).toBe('pod "flaky" deleted\n');
    // Grace period 0 removes the Pod object at once; the kubelet then removes its containers.
    const left = async () => (await engineContainers(node.cluster.id, 'flaky')).map((c) => `${c.Names[0]} ${c.State}`);
    await waitFor('the containers of flaky removed', async () => (await left()).length === 0, 30_000).catch(() => undefined);
    expect(await left()).toEqual([]);
  });
});

describe('shareProcessNamespace', () => {
  it('one process namespace with the infra container as PID 1, which reaps orphans', async () => {
    await apply('shared', pod('shared', {
      shareProcessNamespace: true,
      containers: [
        { name: 'web', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && exec httpd -f -p 8080 -h /www'] },
        { name: 'shell', image: 'busybox', command: ['sleep', '3600'] },
      ],
    }));
    await waitRunning('shared');
    const ps = (await kubectl(['exec', 'shared', '-c', 'shell', '--', 'ps', '-o', 'pid,args'])).stdout;
    expect(ps).toMatch(/^\s*1 \/(pause|catatonit)/m);
    expect(ps).toMatch(/^\s*\d+ httpd -f -p 8080 -h \/www$/m);
    // An orphan (its parent shell exits at once) is re-parented to PID 1 and reaped when it ends: no zombie stays.
    await kubectl(['exec', 'shared', '-c', 'shell', '--', 'sh', '-c', '(sleep 1 &) ; true']);
    await waitFor('the orphan gone', async () => !/\bsleep 1\b|\bZ\b/.test((await kubectl(['exec', 'shared', '-c', 'shell', '--', 'ps', '-o', 'stat,args'])).stdout), 15_000);
    const stat = (await kubectl(['exec', 'shared', '-c', 'shell', '--', 'ps', '-o', 'stat,args'])).stdout;
    expect(stat.split('\n').filter((line) => /^\s*Z/.test(line))).toEqual([]);
  });
});

describe('init containers with restartPolicy Never (as the conformance tests run them)', () => {
  it('runs them in order before the app container; the Pod Succeeds', async () => {
    const step = (text: string) => ['sh', '-c', `echo ${text} >> /work/order`];
    await apply('inits', pod('inits', {
      restartPolicy: 'Never',
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'one', image: 'busybox', command: step('one'), volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        { name: 'two', image: 'busybox', command: step('two'), volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      ],
      containers: [{ name: 'app', image: 'busybox', command: ['cat', '/work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
    }));
    await waitFor('inits Succeeded', async () => (await getPod('inits')).status?.phase === 'Succeeded', 60_000);
    expect((await kubectl(['logs', 'inits', '-c', 'app'])).stdout).toBe('one\ntwo\n');
    const status = (await getPod('inits')).status;
    expect(status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason])).toEqual([['one', 'Completed'], ['two', 'Completed']]);
  });

  it('fails the Pod when an init container fails, and never starts the app container', async () => {
    await apply('badinit', pod('badinit', {
      restartPolicy: 'Never',
      initContainers: [{ name: 'fail', image: 'busybox', command: ['sh', '-c', 'exit 1'] }, { name: 'after', image: 'busybox', command: ['true'] }],
      containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }],
    }));
    await waitFor('badinit Failed', async () => (await getPod('badinit')).status?.phase === 'Failed', 60_000);
    const status = (await getPod('badinit')).status;
    expect(status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status?.initContainerStatuses?.[1]?.state?.terminated).toBeUndefined();
    expect(status?.containerStatuses?.[0]?.state?.running).toBeUndefined();
    expect(status?.containerStatuses?.[0]?.containerID).toBeUndefined();
  });
});

describe('an ephemeral container\'s disk', () => {
  const MiB = 2 ** 20;
  const DISK: DiskShares = { emptyDirBytes: 8 * MiB, writableLayerBytes: 16 * MiB, nodeDirBytes: 64 * MiB, containerLogBytes: 1 * MiB, inodes: 3000, intervalMs: 1000 };
  let small: KubectlNode;

  beforeAll(async () => {
    small = await startKubectlNode('ephdisk', createKubeletWith({ docker, disk: DISK }));
  });

  afterAll(async () => {
    expect(await small?.cleanup()).toEqual([]);
  });

  it('counts against the container default like any container: a disk bomb in a debug container evicts the Pod', async () => {
    const file = join(small.dir, 'target.json');
    await writeFile(file, JSON.stringify(pod('target', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] })));
    expect((await small.kubectl(['apply', '-f', file])).stdout).toBe('pod/target created\n');
    expect((await small.kubectl(['wait', '--for=condition=Ready', 'pod/target', '--timeout=60s'])).code).toBe(0);
    const debug = await small.kubectl(['debug', 'target', '--image=busybox', '-c', 'bomb', '--', 'sh', '-c', 'dd if=/dev/zero of=/tmp/f bs=1M count=24; sleep 3600']);
    expect(debug.code).toBe(0);
    const message = 'Container bomb exceeded its local ephemeral storage limit "16Mi". ';
    const status = await waitFor('target evicted', async () => {
      const r = await small.kubectl(['get', 'pod', 'target', '-o', 'json']);
      const s = r.code === 0 ? (JSON.parse(r.stdout) as Pod).status : undefined;
      return s?.phase === 'Failed' && s;
    }, 60_000);
    expect(status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message });
  });
});
