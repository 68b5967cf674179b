// The kubelet behind the real embedded API server, driven by the real kubectl, as a learner
// drives it from the toolbox.

import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Real containers on a machine shared with other suites: allow for a loaded engine.
vi.setConfig({ testTimeout: 120_000 });
import type { EmbeddedCluster } from '../host-contract.js';
import { createEmbeddedClusterHost } from '../host.js';
import { engineContainers, waitFor } from './testing/helpers.js';
import { COUNTER_YAML } from './testing/counter-pod.js';
import { startKubectlNode, type KubectlNode } from './testing/kubectl-node.js';

const execFileAsync = promisify(execFile);

let node: KubectlNode;
let dir: string;
let cluster: EmbeddedCluster;
let kubeconfig: string;

const kubectl = (...args: string[]) => node.kubectl(args);

beforeAll(async () => {
  node = await startKubectlNode('kubectl');
  ({ dir, cluster, kubeconfig } = node);
  await writeFile(join(dir, 'counter.yaml'), COUNTER_YAML);
});

afterAll(async () => {
  expect(await node?.cleanup()).toEqual([]);
});

describe('the counter Pod through kubectl', () => {
  it('applies, becomes Ready, logs grow and exec agrees; the file lives in the node directory', async () => {
    expect((await kubectl('apply', '-f', join(dir, 'counter.yaml'))).stdout).toBe('pod/counter created\n');
    const wait = await kubectl('wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s');
    expect(wait.stdout).toBe('pod/counter condition met\n');
    const get = await kubectl('get', 'pod', 'counter');
    expect(get.stdout).toMatch(/counter\s+2\/2\s+Running\s+0\s+/);
    const first = await waitFor('two log lines', async () => {
      const out = (await kubectl('logs', 'counter', '-c', 'count-log')).stdout;
      return out.split('\n').filter(Boolean).length >= 2 ? out : undefined;
    });
    expect(first).toMatch(/^0: .+\n1: .+\n/);
    const later = await waitFor('more log lines', async () => {
      const out = (await kubectl('logs', 'counter', '-c', 'count-log')).stdout;
      return out.split('\n').filter(Boolean).length > first.split('\n').filter(Boolean).length ? out : undefined;
    });
    const cat = await kubectl('exec', 'counter', '-c', 'count', '--', 'cat', '/var/log/1.log');
    expect(cat.code).toBe(0);
    expect(cat.stdout.startsWith(later)).toBe(true);
    const onNode = readFileSync(join(cluster.nodeDir, 'var/log/counter/1.log'), 'utf8');
    expect(onNode.startsWith(later)).toBe(true);
    expect(existsSync('/var/log/counter/1.log') ? readFileSync('/var/log/counter/1.log', 'utf8') : '').not.toBe(onNode);
    const hostname = await kubectl('exec', 'counter', '-c', 'count-log', '--', 'hostname');
    expect(hostname.stdout).toBe('counter\n');
  });

  it('describes the Pod with the kubelet events, copies a file out, and follows logs', async () => {
    const describe = (await kubectl('describe', 'pod', 'counter')).stdout;
    expect(describe).toMatch(/Normal\s+Pulled\s+.*kubelet\s+Container image "busybox" already present on machine/);
    expect(describe).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container count-log/);
    const copy = join(dir, 'copied.log');
    const cp = await kubectl('cp', '-c', 'count', 'counter:/var/log/1.log', copy);
    expect(cp.code, cp.stderr).toBe(0);
    expect(readFileSync(copy, 'utf8')).toMatch(/^0: /);
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'logs', '-f', '--tail=1', 'counter', '-c', 'count-log']);
    let followed = '';
    child.stdout.on('data', (chunk: Buffer) => (followed += chunk.toString('utf8')));
    await waitFor('followed two lines', () => followed.split('\n').filter(Boolean).length >= 3);
    child.kill();
  });

  it('deletes the Pod gracefully with its containers', async () => {
    const del = await kubectl('delete', 'pod', 'counter', '--grace-period=1');
    expect(del.stdout).toBe('pod "counter" deleted\n');
    expect((await kubectl('get', 'pod', 'counter')).stderr).toContain('pods "counter" not found');
    expect(await engineContainers(cluster.id, 'counter')).toEqual([]);
  });
});

describe('streams through kubectl', () => {
  it('port-forwards to a Pod and pipes stdin through exec -i', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'httpd', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && echo served-by-pod > /www/index.html && exec httpd -f -p 8080 -h /www'], ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] },
    };
    await writeFile(join(dir, 'web.json'), JSON.stringify(pod));
    expect((await kubectl('apply', '-f', join(dir, 'web.json'))).code).toBe(0);
    expect((await kubectl('wait', '--for=condition=Ready', 'pod/web', '--timeout=60s')).code).toBe(0);
    const forward = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'port-forward', 'pod/web', ':8080']);
    try {
      let printed = '';
      forward.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const port = await waitFor('forwarding', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(printed)?.[1]);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe('served-by-pod\n');
    } finally {
      forward.kill();
    }
    const piped = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z']);
    let upper = '';
    piped.stdout.on('data', (chunk: Buffer) => (upper += chunk.toString('utf8')));
    piped.stdin.end('through stdin\n');
    const code = await new Promise<number | null>((resolve) => piped.on('close', resolve));
    expect(code).toBe(0);
    expect(upper).toBe('THROUGH STDIN\n');
    await kubectl('delete', 'pod', 'web', '--grace-period=0', '--force');
  });

  it('runs an interactive Pod with kubectl run -i (attach with stdin)', async () => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'run', 'asker', '-i', '--rm', '--restart=Never', '--image=busybox', '--', 'sh', '-c', 'read answer; echo "got $answer"']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await waitFor('attached', () => out.includes("If you don't see a command prompt") || out.includes('got'), 30_000).catch(() => undefined);
    child.stdin.write('forty-two\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('got forty-two');
    expect(code).toBe(0);
    await waitFor('asker removed', async () => (await kubectl('get', 'pod', 'asker')).stderr.includes('not found'));
  });
});

describe('failures as kubectl shows them', () => {
  it('shows ErrImagePull or ImagePullBackOff for an image the sandbox does not have', async () => {
    expect((await kubectl('run', 'web', '--image=nginx')).stdout).toBe('pod/web created\n');
    await waitFor('pull failure', async () => /web\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/.test((await kubectl('get', 'pod', 'web')).stdout));
    const describe = (await kubectl('describe', 'pod', 'web')).stdout;
    expect(describe).toContain('this sandbox has no registry');
    // A Pod that never started goes away at once on delete.
    expect((await kubectl('delete', 'pod', 'web')).stdout).toBe('pod "web" deleted\n');
    expect(await engineContainers(cluster.id, 'web')).toEqual([]);
  });

  it('shows CrashLoopBackOff and the previous logs of a crashing container', async () => {
    expect((await kubectl('run', 'crash', '--image=busybox', '--', 'sh', '-c', 'echo about to fail; exit 1')).code).toBe(0);
    await waitFor('CrashLoopBackOff', async () => /crash\s+0\/1\s+CrashLoopBackOff\s+1 \(/.test((await kubectl('get', 'pod', 'crash')).stdout), 60_000);
    expect((await kubectl('logs', 'crash', '--previous')).stdout).toBe('about to fail\n');
  });

  it('leaves a Pod whose nodeSelector matches no node Pending, and describe says why', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'picky' }, spec: { nodeSelector: { disktype: 'ssd' }, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } };
    await writeFile(join(dir, 'picky.json'), JSON.stringify(pod));
    expect((await kubectl('apply', '-f', join(dir, 'picky.json'))).stdout).toBe('pod/picky created\n');
    expect((await kubectl('get', 'pod', 'picky', '-o', 'wide')).stdout).toMatch(/picky\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>/);
    const describe = (await kubectl('describe', 'pod', 'picky')).stdout;
    expect(describe).toMatch(/PodScheduled\s+False/);
    expect(describe).toMatch(
      /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\./,
    );
    expect(await engineContainers(cluster.id, 'picky')).toEqual([]);
    // Labels the node really has do match.
    expect((await kubectl('run', 'plain', '--image=busybox', '--overrides={"spec":{"nodeSelector":{"kubernetes.io/os":"linux"}}}', '--', 'sleep', '3600')).code).toBe(0);
    await waitFor('plain running', async () => /plain\s+1\/1\s+Running/.test((await kubectl('get', 'pod', 'plain')).stdout));
    expect((await kubectl('delete', 'pod', 'picky', 'plain', '--grace-period=1')).code).toBe(0);
  });

  it('keeps a Pod that asks for more memory than is left Pending until room frees up', async () => {
    const hog = (name: string, memory: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: { requests: { memory } } }] } });
    await writeFile(join(dir, 'first.json'), JSON.stringify(hog('first', '1500Mi')));
    await writeFile(join(dir, 'second.json'), JSON.stringify(hog('second', '1Gi')));
    expect((await kubectl('apply', '-f', join(dir, 'first.json'))).code).toBe(0);
    expect((await kubectl('apply', '-f', join(dir, 'second.json'))).code).toBe(0);
    expect((await kubectl('describe', 'pod', 'second')).stdout).toMatch(/FailedScheduling\s+.*0\/1 nodes are available: 1 Insufficient memory\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\./);
    expect((await kubectl('get', 'pod', 'second')).stdout).toMatch(/second\s+0\/1\s+Pending/);
    expect((await kubectl('delete', 'pod', 'first')).code).toBe(0);
    await waitFor('second running', async () => /second\s+1\/1\s+Running/.test((await kubectl('get', 'pod', 'second')).stdout));
    expect((await kubectl('describe', 'pod', 'second')).stdout).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/second to /);
    expect((await kubectl('delete', 'pod', 'second')).code).toBe(0);
  });

  it('refuses a Pod that wants the host network at admission, with the reason', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hostnet' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] } };
    await writeFile(join(dir, 'hostnet.json'), JSON.stringify(pod));
    const result = await kubectl('apply', '-f', join(dir, 'hostnet.json'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Error from server (Forbidden): error when creating "' + join(dir, 'hostnet.json') + '": pods "hostnet" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
    expect((await kubectl('get', 'pod', 'hostnet')).code).not.toBe(0);
    expect(await engineContainers(cluster.id, 'hostnet')).toEqual([]);
  });
});

describe('a restarted cluster host', () => {
  it('keeps running Pods: the new kubelet adopts their containers without restarting them', async () => {
    const stateDir = join(dir, 'durable');
    const first = createEmbeddedClusterHost({ stateDir, port: 0 });
    await first.start();
    const durable = await first.createCluster(`kt-${randomUUID().slice(0, 8)}`);
    const config = join(dir, 'durable.kubeconfig');
    const kc = async (...args: string[]) => (await execFileAsync('kubectl', ['--kubeconfig', config, '--cache-dir', join(dir, 'cache-durable'), ...args], { timeout: 90_000 })).stdout;
    try {
      await writeFile(config, durable.kubeconfig());
      await kc('apply', '-f', join(dir, 'counter.yaml'));
      await kc('wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s');
      const before = await kc('get', 'pod', 'counter', '-o', 'jsonpath={.status.containerStatuses[*].containerID}');
      await first.stop();
      const second = createEmbeddedClusterHost({ stateDir, port: 0 });
      await second.start();
      try {
        await writeFile(config, second.getCluster(durable.id)!.kubeconfig());
        await kc('wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s');
        expect(await kc('get', 'pod', 'counter', '-o', 'jsonpath={.status.containerStatuses[*].containerID}')).toBe(before);
        expect(await kc('get', 'pod', 'counter', '-o', 'jsonpath={.status.containerStatuses[*].restartCount}')).toBe('0 0');
        expect(await kc('exec', 'counter', '-c', 'count', '--', 'hostname')).toBe('counter\n');
      } finally {
        await second.deleteCluster(durable.id);
        await second.stop();
      }
    } finally {
      await first.stop();
    }
    expect(await engineContainers(durable.id)).toEqual([]);
  });
});
