import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Real containers on a machine shared with other suites: allow for a loaded engine.
vi.setConfig({ testTimeout: 120_000 });
import type { Pod } from '../k8s-types.js';
import { admissionErrors } from './admission.js';
import { pidsCurrentPath } from './sandbox-cgroup.js';
import { containerStatus, docker, engineContainers, execIn, podStatus, read, startTestNode, waitFor, waitReady, type TestNode } from './testing/helpers.js';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ pids: 2048, memoryBytes: 768 * 2 ** 20, cpus: 1 });
});

afterAll(async () => {
  await node?.cleanup();
  expect(await engineContainers(node.clusterId)).toEqual([]);
});

const sh = (script: string) => ['sh', '-c', script];

describe('init containers and native sidecars', () => {
  it('runs init containers in order, starts sidecars before app containers and keeps them running', async () => {
    const created = node.cluster.createPod({
      metadata: { name: 'staged' },
      spec: {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          // Runs until the test has seen it running: a fixed sleep could end before a slow status report.
          { name: 'first', image: 'busybox', command: sh('echo first >> /work/order; until [ -e /work/go ]; do sleep 0.1; done'), volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', image: 'busybox', command: sh('echo second >> /work/order'), volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'shipper', image: 'busybox', restartPolicy: 'Always', command: sh('echo sidecar >> /work/order; exec sleep 3600'), volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [{ name: 'app', image: 'busybox', command: sh('echo app >> /work/order; exec sleep 3600'), volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      },
    });
    const pending = await waitFor('first running', () => (containerStatus(node, 'staged', 'first')?.state?.running ? podStatus(node, 'staged') : undefined));
    expect(pending.phase).toBe('Pending');
    expect(pending.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    expect(pending.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    writeFileSync(join(node.podsDir, created.metadata.uid!, 'volumes', 'work', 'go'), '');
    await waitReady(node, 'staged');
    expect((await execIn(node, 'staged', 'app', ['cat', '/work/order'])).stdout).toBe('first\nsecond\nsidecar\napp\n');
    const status = podStatus(node, 'staged')!;
    expect(status.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason ?? (s.state?.running ? 'running' : '?'), s.ready])).toEqual([
      ['first', 'Completed', true],
      ['second', 'Completed', true],
      ['shipper', 'running', true],
    ]);
  });
});

describe('configuration and the downward API', () => {
  it('resolves env, envFrom, configMap, secret and downwardAPI volumes, subPath, workingDir and readOnly', async () => {
    node.cluster.configMaps.set('default/settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { color: 'blue', 'app.conf': 'mode=lab\n' } });
    node.cluster.secrets.set('default/creds', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    node.cluster.createPod({
      metadata: { name: 'configured', labels: { tier: 'lab' } },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'settings' } },
          { name: 'sec', secret: { secretName: 'creds' } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
          { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
        ],
        containers: [
          {
            name: 'show',
            image: 'busybox',
            command: sh('sleep 3600'),
            workingDir: '/work/here',
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'MESSAGE', value: '$(GREETING) world' },
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            ],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }],
            resources: { limits: { memory: '64Mi', cpu: '250m' } },
            volumeMounts: [
              { name: 'cfg', mountPath: '/etc/app' },
              { name: 'cfg', mountPath: '/etc/only/app.conf', subPath: 'app.conf' },
              { name: 'sec', mountPath: '/etc/secret' },
              { name: 'info', mountPath: '/etc/podinfo' },
              { name: 'ram', mountPath: '/ram' },
            ],
          },
        ],
      },
    });
    await waitReady(node, 'configured');
    const env = (await execIn(node, 'configured', 'show', ['env'])).stdout;
    expect(env).toContain('MESSAGE=hello world\n');
    expect(env).toContain('COLOR=blue\n');
    expect(env).toContain('PASSWORD=s3cret\n');
    expect(env).toContain('POD_NAME=configured\n');
    expect(env).toContain('CFG_color=blue\n');
    expect(env).toContain('MEM_LIMIT=64\n');
    expect(env).toMatch(/POD_IP=10\.244\.0\.\d+\n/);
    const files = await execIn(node, 'configured', 'show', sh('pwd; cat /etc/app/color; echo; cat /etc/only/app.conf; cat /etc/secret/password; echo; cat /etc/podinfo/labels; echo; cat /etc/podinfo/name; echo; touch /etc/app/x 2>/dev/null || echo read-only; grep " /ram " /proc/mounts | cut -d" " -f3'));
    expect(files.stdout).toBe('/work/here\nblue\nmode=lab\ns3cret\ntier="lab"\nconfigured\nread-only\ntmpfs\n');
    const id = containerStatus(node, 'configured', 'show')!.containerID!.replace('docker://', '');
    const info = await docker.getContainer(id).inspect();
    expect(info.HostConfig.Memory).toBe(64 * 2 ** 20);
    expect(info.HostConfig.NanoCpus).toBe(250_000_000);
    expect((await execIn(node, 'configured', 'show', ['readlink', '/etc/app/color'])).stdout).toBe('..data/color\n');
    // An edited ConfigMap reaches the mounted files on the next sync (not the subPath mount, as in Kubernetes).
    node.cluster.configMaps.set('default/settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { color: 'green', 'app.conf': 'mode=lab\n' } });
    await waitFor('updated file', async () => (await execIn(node, 'configured', 'show', ['cat', '/etc/app/color'])).stdout === 'green');
  });

  it('holds a container back with CreateContainerConfigError while a ConfigMap is missing', async () => {
    node.cluster.createPod({
      metadata: { name: 'needs-config' },
      spec: { containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600'), env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x' } } }] }] },
    });
    const waiting = await waitFor('config error', () => containerStatus(node, 'needs-config', 'c')?.state?.waiting);
    expect(waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "absent" not found' });
    expect(node.cluster.eventsFor('needs-config').map((e) => `${e.type}/${e.reason}: ${e.message}`)).toContain('Warning/Failed: Error: configmap "absent" not found');
  });
});

describe('hostPath and subPath confinement', () => {
  it('refuses a hostPath or subPath that a container turned into a symlink out of the node', async () => {
    node.cluster.createPod({
      metadata: { name: 'linker' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'node', hostPath: { path: '/shared' } }],
        containers: [{ name: 'c', image: 'busybox', command: sh('ln -s / /shared/escape && ln -s / /shared/sub && echo linked'), volumeMounts: [{ name: 'node', mountPath: '/shared' }] }],
      },
    });
    await waitFor('linked', () => podStatus(node, 'linker')?.phase === 'Succeeded');
    node.cluster.createPod({
      metadata: { name: 'escaper' },
      spec: { volumes: [{ name: 'host', hostPath: { path: '/shared/escape/etc' } }], containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600'), volumeMounts: [{ name: 'host', mountPath: '/host' }] }] },
    });
    node.cluster.createPod({
      metadata: { name: 'subpather' },
      spec: { volumes: [{ name: 'node', hostPath: { path: '/shared' } }], containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600'), volumeMounts: [{ name: 'node', mountPath: '/host', subPath: 'sub/etc' }] }] },
    });
    await waitFor('FailedMount', () => node.cluster.eventsFor('escaper').find((e) => e.reason === 'FailedMount'));
    expect(node.cluster.eventsFor('escaper').find((e) => e.reason === 'FailedMount')?.message).toBe(
      'MountVolume.SetUp failed for volume "host" : hostPath /shared/escape/etc resolves outside the sandbox\'s node',
    );
    expect(podStatus(node, 'escaper')?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    const waiting = await waitFor('subPath refused', () => containerStatus(node, 'subpather', 'c')?.state?.waiting?.reason === 'CreateContainerConfigError' ? containerStatus(node, 'subpather', 'c') : undefined);
    expect(waiting.state?.waiting?.message).toBe('subPath "sub/etc" resolves outside the sandbox\'s node');
  });
});

describe('security context', () => {
  it('runs as the given user and group with a read-only root filesystem', async () => {
    node.cluster.createPod({
      metadata: { name: 'locked' },
      spec: {
        securityContext: { runAsUser: 1000 },
        containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600'), securityContext: { runAsGroup: 3000, readOnlyRootFilesystem: true } }],
      },
    });
    await waitReady(node, 'locked');
    const out = await execIn(node, 'locked', 'c', sh('id -u; id -g; touch /x 2>/dev/null || echo read-only'));
    expect(out.stdout).toBe('1000\n3000\nread-only\n');
  });
});

describe('restartPolicy and termination reasons', () => {
  it('Never: a finished Pod is Succeeded with Completed, or Failed with Error', async () => {
    node.cluster.createPod({ metadata: { name: 'job-ok' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: sh('echo done') }] } });
    node.cluster.createPod({ metadata: { name: 'job-bad' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: sh('exit 2') }] } });
    const ok = await waitFor('job-ok Succeeded', () => (podStatus(node, 'job-ok')?.phase === 'Succeeded' ? podStatus(node, 'job-ok') : undefined));
    expect(ok.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(ok.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    const bad = await waitFor('job-bad Failed', () => (podStatus(node, 'job-bad')?.phase === 'Failed' ? podStatus(node, 'job-bad') : undefined));
    expect(bad.containerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } });
  });

  it('reports what a container wrote to its termination log, or its last logs with FallbackToLogsOnError', async () => {
    node.cluster.createPod({
      metadata: { name: 'last-words' },
      spec: {
        restartPolicy: 'Never',
        securityContext: { runAsUser: 1000 },
        containers: [
          { name: 'file', image: 'busybox', command: sh('echo "config is missing" > /dev/termination-log; exit 3') },
          { name: 'custom', image: 'busybox', terminationMessagePath: '/tmp/why', command: sh('printf done > /tmp/why') },
          { name: 'logs', image: 'busybox', terminationMessagePolicy: 'FallbackToLogsOnError', command: sh('seq 1 100; echo boom; exit 1') },
          { name: 'quiet', image: 'busybox', terminationMessagePolicy: 'FallbackToLogsOnError', command: sh('echo fine') },
        ],
      },
    });
    const done = await waitFor('last-words Failed', () => (podStatus(node, 'last-words')?.phase === 'Failed' ? podStatus(node, 'last-words') : undefined));
    const terminated = (name: string) => done.containerStatuses?.find((c) => c.name === name)?.state?.terminated;
    expect(terminated('file')).toMatchObject({ exitCode: 3, reason: 'Error', message: 'config is missing\n' });
    expect(terminated('custom')).toMatchObject({ exitCode: 0, reason: 'Completed', message: 'done' });
    // The last 80 lines of the failed run's logs: 21..100 and boom.
    const tail = terminated('logs')?.message ?? '';
    expect(tail.split('\n').filter(Boolean)).toEqual([...Array.from({ length: 79 }, (_, i) => String(i + 22)), 'boom']);
    // Only a failure falls back to the logs.
    expect(terminated('quiet')).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(terminated('quiet')?.message).toBeUndefined();
  });

  it('fails a Pod that outlives its activeDeadlineSeconds', async () => {
    node.cluster.createPod({ metadata: { name: 'deadline' }, spec: { activeDeadlineSeconds: 2, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: sh('sleep 3600') }] } });
    const status = await waitFor('DeadlineExceeded', () => (podStatus(node, 'deadline')?.phase === 'Failed' ? podStatus(node, 'deadline') : undefined));
    expect(status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(status.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
  });

  it('OnFailure: restarts a failing container, not a succeeding one; OOMKilled is reported', async () => {
    node.cluster.createPod({
      metadata: { name: 'hungry' },
      spec: {
        restartPolicy: 'OnFailure',
        containers: [{ name: 'c', image: 'busybox', command: sh('sleep 0.5; dd if=/dev/zero of=/dev/null bs=64M count=1'), resources: { limits: { memory: '32Mi' } } }],
      },
    });
    const oom = await waitFor('OOMKilled', () => {
      const cs = containerStatus(node, 'hungry', 'c');
      const last = cs?.state?.terminated ?? cs?.lastState?.terminated;
      return last?.reason === 'OOMKilled' ? last : undefined;
    });
    expect(oom.exitCode).toBe(137);
    await waitFor('restarted', () => (containerStatus(node, 'hungry', 'c')?.restartCount ?? 0) >= 1);
  });

  it('restarts a container whose liveness probe fails, with Unhealthy and Killing events', async () => {
    node.cluster.createPod({
      metadata: { name: 'sick' },
      spec: {
        terminationGracePeriodSeconds: 1,
        // timeoutSeconds covers the engine's exec start, which alone can take over the default 1 s
        // on a loaded machine; a probe that timed out would fail with another message.
        containers: [{ name: 'c', image: 'busybox', command: sh('touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 3600'), livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, timeoutSeconds: 10, failureThreshold: 2 } }],
      },
    });
    await waitFor('restart after liveness failure', () => (containerStatus(node, 'sick', 'c')?.restartCount ?? 0) >= 1);
    const events = node.cluster.eventsFor('sick').map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain('Unhealthy: Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory');
    expect(events).toContain('Killing: Container c failed liveness probe, will be restarted');
  });
});

describe('lifecycle hooks', () => {
  it('runs postStart after start and preStop before SIGTERM', async () => {
    const pod = node.cluster.createPod({
      metadata: { name: 'hooked' },
      spec: {
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: 'out', hostPath: { path: '/hooks', type: 'DirectoryOrCreate' } }],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: sh("trap 'echo term >> /out/log; exit 0' TERM; while true; do sleep 0.2; done"),
            lifecycle: { postStart: { exec: { command: sh('echo poststart >> /out/log') } }, preStop: { exec: { command: sh('echo prestop >> /out/log') } } },
            volumeMounts: [{ name: 'out', mountPath: '/out' }],
          },
        ],
      },
    });
    await waitReady(node, 'hooked');
    node.cluster.deletePod('default', 'hooked');
    await waitFor('hooked removed', () => !node.cluster.getPod('default', 'hooked'));
    expect(readFileSync(`${node.nodeDir}/hooks/log`, 'utf8')).toBe('poststart\nprestop\nterm\n');
    expect(pod.metadata.uid).toBeTruthy();
  });
});

describe('TTY sessions', () => {
  it('attaches to a container started with stdin and tty', async () => {
    node.cluster.createPod({ metadata: { name: 'interactive' }, spec: { containers: [{ name: 'sh', image: 'busybox', command: ['sh'], stdin: true, tty: true }] } });
    const pod = await waitReady(node, 'interactive');
    const session = await node.kubelet.attach(pod, { container: 'sh', stdin: true, stdout: true, stderr: false, tty: true });
    expect(session.stderr).toBeNull();
    session.resize({ width: 100, height: 30 });
    let seen = '';
    session.stdout!.on('data', (chunk: Buffer) => (seen += chunk.toString('utf8')));
    session.stdin!.write('echo marker-$((6*7))\n');
    await waitFor('tty output', () => seen.includes('marker-42'));
    // The resize travels on its own request: ask until the terminal reports the new size.
    await waitFor('resized terminal', () => {
      session.stdin!.write('stty size\n');
      return seen.includes('30 100');
    });
    session.close();
    session.close();
  });

  it('execs with a TTY and follows logs', async () => {
    const pod = node.cluster.getPod('default', 'staged')!;
    const session = await node.kubelet.exec(pod, ['sh', '-c', 'tty >/dev/null && echo has-tty'], { container: 'app', stdin: false, stdout: true, stderr: false, tty: true });
    expect(await read(session.stdout)).toContain('has-tty');
    expect(await session.result).toEqual({ exitCode: 0 });
    const controller = new AbortController();
    const counter = node.cluster.createPod({ metadata: { name: 'ticker' }, spec: { containers: [{ name: 't', image: 'busybox', command: sh('i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done') }] } });
    await waitReady(node, counter.metadata.name!);
    const stream = await node.kubelet.logs(node.cluster.getPod('default', 'ticker')!, { container: 't', follow: true, previous: false, timestamps: false }, controller.signal);
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    await waitFor('followed lines', () => text.includes('tick-4'));
    controller.abort();
  });
});

describe('sandbox limits', () => {
  it('caps the pids of the whole sandbox across its containers', async () => {
    // A sandbox of its own, so nothing else spends its budget.
    const node = await startTestNode({ pids: 120, memoryBytes: 512 * 2 ** 20, cpus: 1 });
    try {
    // Each container alone fits in the sandbox's 120 pids (60 sleeps); together they do not. Only shell
    // builtins run after the spawning, since forks fail once the budget is spent. b starts spawning
    // once a has spawned all of its sleeps (a marker on a shared emptyDir, written by a builtin):
    // with a head start by time instead, a slow a would race b for the budget and both could fail.
    const spawn = '{ n=0; while [ $n -lt 60 ]; do sleep 600 & n=$((n+1)); done; echo spawned; }';
    const marks = [{ name: 'marks', mountPath: '/marks' }];
    node.cluster.createPod({
      metadata: { name: 'forky' },
      spec: {
        terminationGracePeriodSeconds: 0,
        volumes: [{ name: 'marks', emptyDir: {} }],
        containers: [
          { name: 'a', image: 'busybox', command: sh(`${spawn}; echo > /marks/a-spawned; wait`), volumeMounts: marks },
          { name: 'b', image: 'busybox', command: sh(`until [ -e /marks/a-spawned ]; do sleep 0.1; done; ${spawn}; wait`), volumeMounts: marks },
        ],
      },
    });
    const logs = async (container: string) => read(await node.kubelet.logs(node.cluster.getPod('default', 'forky')!, { container, follow: false, previous: false, timestamps: false }, new AbortController().signal));
    await waitFor('a spawned', async () => (await logs('a')).includes('spawned'), 30_000);
    // b runs out of pids half-way: its shell cannot fork and dies, as on a node at its pids limit.
    await waitFor('b out of pids', async () => (await logs('b')).includes("can't fork"), 30_000);
    expect(Number(readFileSync(pidsCurrentPath(node.clusterId), 'utf8'))).toBeLessThanOrEqual(120);
    node.cluster.deletePod('default', 'forky', 0);
    await waitFor('forky removed', () => !node.cluster.getPod('default', 'forky'));
    } finally {
      await node.cleanup();
    }
  });
});

describe('admission', () => {
  const base = (spec: Partial<Pod['spec']>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });

  it('accepts an ordinary Pod and refuses what baseline forbids, plus unsupported volumes, with reasons', () => {
    expect(admissionErrors(base({}))).toEqual([]);
    const errors = admissionErrors(
      base({
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true }, ports: [{ containerPort: 80, hostPort: 8080 }] }],
        volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'x' } }],
      }),
    );
    expect(errors).toEqual([
      'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), hostPort (container "c" uses hostPort 8080), privileged (container "c" must not set securityContext.privileged=true)',
      'spec.volumes[0].persistentVolumeClaim: Unsupported value: a Kubelab sandbox supports emptyDir, hostPath, configMap, secret, downwardAPI volumes',
    ]);
  });

  it('a Pod that reached the node without admission (created behind the API server) is Failed, never run', async () => {
    node.cluster.createPod({ ...base({ hostNetwork: true }), metadata: { name: 'sneaky' } });
    const status = await waitFor('rejected', () => (podStatus(node, 'sneaky')?.phase === 'Failed' ? podStatus(node, 'sneaky') : undefined));
    expect(status.message).toBe('Pod was rejected: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
    expect(await engineContainers(node.clusterId, 'sneaky')).toEqual([]);
  });
});
