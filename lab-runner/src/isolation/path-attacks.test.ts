// Attacks a hostile learner can type against the paths the node resolves for them (hostPath,
// subPath, subPathExpr, emptyDir, termination messages, node files, kubectl cp), through the
// real kubectl against the real embedded cluster on the real engine. Each asserts that nothing
// escaped (a marker directory under the host's /tmp and /etc/shadow stay exactly as they were)
// and that a neighbour sandbox on the same host kept working.

import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeFile } from '../checks/kinds/node-file.js';
import type { CheckContext } from '../checks/check-context.js';
import type { EmbeddedCluster, EmbeddedClusterHost } from '../embedded/host-contract.js';
import { createEmbeddedClusterHost } from '../embedded/host.js';
import type { Pod } from '../embedded/k8s-types.js';
import { mountPointsBeneath } from '../embedded/kubelet/staging-mounts.js';
import { engineContainers, waitFor } from '../embedded/kubelet/testing/helpers.js';
import { readNodeFile, writeNodeFile } from '../providers/embedded/node-files.js';

// Real containers on a machine shared with other suites: allow for a loaded engine.
vi.setConfig({ testTimeout: 300_000 });

const execFileAsync = promisify(execFile);

let dir: string;
let host: EmbeddedClusterHost;
let attacker: EmbeddedCluster;
let neighbour: EmbeddedCluster;
/** A directory on the real host's /tmp that no attack may see or change. */
let hostMarkerDir: string;
const shadow = () => createHash('sha256').update(readFileSync('/etc/shadow')).digest('hex');
let shadowBefore: string;

async function kubectl(cluster: EmbeddedCluster, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('kubectl', ['--kubeconfig', join(dir, `${cluster.id}.kubeconfig`), '--cache-dir', join(dir, 'cache'), ...args], { timeout: 120_000, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

type PodSpec = Pod['spec'];

async function apply(cluster: EmbeddedCluster, name: string, spec: PodSpec): Promise<void> {
  const file = join(dir, `${cluster.id}-${name}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }));
  const result = await kubectl(cluster, 'apply', '-f', file);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(`pod/${name} created\n`);
}

async function pod(cluster: EmbeddedCluster, name: string): Promise<Pod> {
  const result = await kubectl(cluster, 'get', 'pod', name, '-o', 'json');
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Pod;
}

async function status(cluster: EmbeddedCluster, name: string, container: string) {
  const p = await pod(cluster, name);
  return [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].find((c) => c.name === container);
}

async function events(cluster: EmbeddedCluster, name: string): Promise<{ reason: string; message: string }[]> {
  const result = await kubectl(cluster, 'get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json');
  return (JSON.parse(result.stdout) as { items: { reason: string; message: string }[] }).items;
}

async function waitRunning(cluster: EmbeddedCluster, name: string, container: string): Promise<void> {
  await waitFor(`${name}/${container} running`, async () => (await status(cluster, name, container))?.state?.running, 120_000);
}

async function waitWaiting(cluster: EmbeddedCluster, name: string, container: string, reason: string): Promise<string> {
  const state = await waitFor(`${name}/${container} ${reason}`, async () => {
    const waiting = (await status(cluster, name, container))?.state?.waiting;
    return waiting?.reason === reason ? waiting : undefined;
  }, 120_000);
  return state.message ?? '';
}

const sh = (script: string) => ['sh', '-c', script];
const busybox = (name: string, script: string, volumeMounts: NonNullable<PodSpec['containers'][number]['volumeMounts']> = [], extra: Partial<PodSpec['containers'][number]> = {}) => ({
  name,
  image: 'busybox',
  command: sh(script),
  volumeMounts,
  ...extra,
});

/** Nothing on the host changed, and the neighbour sandbox still answers with its own files only. */
async function nothingEscaped(): Promise<void> {
  expect(readdirSync(hostMarkerDir)).toEqual(['HOST_MARKER']);
  expect(readFileSync(join(hostMarkerDir, 'HOST_MARKER'), 'utf8')).toBe('host only\n');
  expect(shadow()).toBe(shadowBefore);
  expect(existsSync('/escaped-by-learner')).toBe(false);
  const beat = await kubectl(neighbour, 'exec', 'beat', '--', 'cat', '/data/beat');
  expect(beat).toMatchObject({ code: 0, stdout: 'alive\n' });
  expect(readdirSync(neighbour.nodeDir)).toEqual(['data']);
  expect(readdirSync(join(neighbour.nodeDir, 'data'))).toEqual(['beat']);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubelab-path-attacks-'));
  hostMarkerDir = mkdtempSync(join('/tmp', 'kubelab-host-marker-'));
  writeFileSync(join(hostMarkerDir, 'HOST_MARKER'), 'host only\n');
  shadowBefore = shadow();
  host = createEmbeddedClusterHost({ stateDir: join(dir, 'state'), port: 0, storage: 'memory' });
  await host.start();
  attacker = await host.createCluster(`pa-${randomUUID().slice(0, 8)}`);
  neighbour = await host.createCluster(`pn-${randomUUID().slice(0, 8)}`);
  for (const cluster of [attacker, neighbour]) writeFileSync(join(dir, `${cluster.id}.kubeconfig`), cluster.kubeconfig());
  await apply(neighbour, 'beat', {
    volumes: [{ name: 'data', hostPath: { path: '/data' } }],
    containers: [busybox('beat', 'echo alive > /data/beat; exec sleep 3600', [{ name: 'data', mountPath: '/data' }])],
  });
  await waitRunning(neighbour, 'beat', 'beat');
  await waitFor('heartbeat', () => existsSync(join(neighbour.nodeDir, 'data', 'beat')));
});

afterAll(async () => {
  for (const cluster of [attacker, neighbour]) if (cluster) await host.deleteCluster(cluster.id);
  await host?.stop();
  expect(await engineContainers(attacker.id)).toEqual([]);
  expect(await engineContainers(neighbour.id)).toEqual([]);
  expect(mountPointsBeneath(dir)).toEqual([]);
  await rm(dir, { recursive: true, force: true });
  await rm(hostMarkerDir, { recursive: true, force: true });
});

describe('path attacks from inside a sandbox', () => {
  it('1. an init container swaps a hostPath component for a link to /: the next containers of the Pod never get the host', async () => {
    await apply(attacker, 'swap-init', {
      volumes: [
        { name: 'plant', hostPath: { path: '/plant' } },
        // Exists (as a directory of the node) when the Pod's volumes are set up...
        { name: 'tmp', hostPath: { path: '/plant/escape/tmp' } },
      ],
      // ...and is a link to the real / by the time the app containers start. Moved aside, not
      // removed: under a user namespace (the Docker Engine's remapping) container root owns the
      // top of its hostPath but not the kubelet's directories below it, and may still rename them.
      initContainers: [busybox('plant', 'mv /plant/escape /plant/was-escape && ln -s / /plant/escape', [{ name: 'plant', mountPath: '/plant' }])],
      containers: [
        busybox('by-hostpath', `ls ${hostMarkerDir}; exec sleep 3600`, [{ name: 'tmp', mountPath: '/tmp' }]),
        busybox('by-subpath', `ls /x${hostMarkerDir}; exec sleep 3600`, [{ name: 'plant', mountPath: '/x/tmp', subPath: 'escape/tmp' }]),
      ],
    });
    expect(await waitWaiting(attacker, 'swap-init', 'by-hostpath', 'CreateContainerConfigError')).toBe(
      'MountVolume.SetUp failed for volume "tmp" : hostPath /plant/escape/tmp resolves outside the sandbox\'s node',
    );
    expect(await waitWaiting(attacker, 'swap-init', 'by-subpath', 'CreateContainerConfigError')).toBe('subPath "escape/tmp" resolves outside the sandbox\'s node');
    expect((await events(attacker, 'swap-init')).map((e) => `${e.reason}: ${e.message}`)).toContain(
      'FailedMount: MountVolume.SetUp failed for volume "tmp" : hostPath /plant/escape/tmp resolves outside the sandbox\'s node',
    );
    expect(await engineContainers(attacker.id, 'swap-init')).toHaveLength(2); // the sandbox and the init container only
    await nothingEscaped();
  });

  it('2. a container swaps a directory and a link to / in a loop while other Pods keep restarting on that hostPath', async () => {
    const swapper = 'mkdir -p /race/d && echo > /race/d/inside; while :; do mv /race/d /race/keep; ln -s / /race/d; sleep 0.02; rm /race/d; mv /race/keep /race/d; sleep 0.02; done';
    await apply(attacker, 'swapper', {
      volumes: [{ name: 'race', hostPath: { path: '/race' } }],
      containers: [busybox('swap', swapper, [{ name: 'race', mountPath: '/race' }])],
    });
    await waitRunning(attacker, 'swapper', 'swap');
    // Every run of every container records what its mount showed; host content would show up as
    // more than the one file, and a write through a host mount would land in the marker directory.
    const observe = (who: string) =>
      `echo "${who} $(ls /seen-dir | tr '\\n' ' ')" >> /results/seen; echo no > /seen-dir${hostMarkerDir}/written 2>/dev/null; true`;
    for (const victim of ['victim-a', 'victim-b', 'victim-c']) {
      await apply(attacker, victim, {
        restartPolicy: 'Always',
        volumes: [
          { name: 'race', hostPath: { path: '/race/d', type: 'Directory' } },
          { name: 'results', hostPath: { path: '/results' } },
        ],
        initContainers: ['i1', 'i2', 'i3'].map((name) => busybox(name, observe(`${victim}/${name}`), [{ name: 'race', mountPath: '/seen-dir' }, { name: 'results', mountPath: '/results' }])),
        containers: [busybox('app', `${observe(`${victim}/app`)}; sleep 1`, [{ name: 'race', mountPath: '/seen-dir' }, { name: 'results', mountPath: '/results' }])],
      });
    }
    const seen = await waitFor('a dozen container runs on the raced hostPath', () => {
      const lines = existsSync(join(attacker.nodeDir, 'results/seen')) ? readFileSync(join(attacker.nodeDir, 'results/seen'), 'utf8').split('\n').filter(Boolean) : [];
      return lines.length >= 12 ? lines : undefined;
    }, 240_000);
    for (const line of seen) expect(line).toMatch(/^victim-[abc]\/(i[123]|app) inside $/);
    await kubectl(attacker, 'delete', 'pod', 'swapper', 'victim-a', 'victim-b', 'victim-c', '--grace-period=0', '--force');
    await nothingEscaped();
  });

  it('3. links planted in an emptyDir (absolute and climbing) are never followed out by a subPath, restart after restart', async () => {
    await apply(attacker, 'empty-links', {
      restartPolicy: 'Always',
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [busybox('plant', 'ln -s / /work/abs && ln -s ../../../../../../../../../../../../ /work/climb && mkdir /work/fine && echo ok > /work/fine/f', [{ name: 'work', mountPath: '/work' }])],
      containers: [
        busybox('abs', 'exec sleep 3600', [{ name: 'work', mountPath: '/x', subPath: 'abs/tmp' }]),
        busybox('climb', 'exec sleep 3600', [{ name: 'work', mountPath: '/x', subPath: 'climb/tmp' }]),
        // Restarts every few seconds and re-plants a link where its own subPath was.
        busybox('restarter', 'cat /x/f; ln -s /etc /w/again 2>/dev/null; sleep 2; exit 1', [
          { name: 'work', mountPath: '/x', subPath: 'fine' },
          { name: 'work', mountPath: '/w' },
        ]),
        busybox('again', 'exec sleep 3600', [{ name: 'work', mountPath: '/x', subPath: 'again/shadow' }]),
      ],
    });
    expect(await waitWaiting(attacker, 'empty-links', 'abs', 'CreateContainerConfigError')).toBe('subPath "abs/tmp" resolves outside the sandbox\'s node');
    expect(await waitWaiting(attacker, 'empty-links', 'climb', 'CreateContainerConfigError')).toBe('subPath "climb/tmp" resolves outside the sandbox\'s node');
    await waitFor('restarter restarted', async () => ((await status(attacker, 'empty-links', 'restarter'))?.restartCount ?? 0) >= 1, 120_000);
    expect((await kubectl(attacker, 'logs', 'empty-links', '-c', 'restarter', '--previous')).stdout).toBe('ok\n');
    // `again` may have started before the first restarter run planted the link (then its subPath
    // is a directory the kubelet made): either way it never shows the host's /etc.
    const again = await status(attacker, 'empty-links', 'again');
    if (again?.state?.running) expect((await kubectl(attacker, 'exec', 'empty-links', '-c', 'again', '--', 'ls', '-A', '/x')).stdout).toBe('');
    else expect(again?.state?.waiting?.message).toBe('subPath "again/shadow" resolves outside the sandbox\'s node');
    await nothingEscaped();
  });

  it('4. subPath ".." is refused by the API server, and a subPathExpr that expands to ".." or "/" by the kubelet', async () => {
    const file = join(dir, 'dotdot.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dotdot' },
      spec: { volumes: [{ name: 'v', emptyDir: {} }], containers: [busybox('c', 'sleep 3600', [{ name: 'v', mountPath: '/x', subPath: '../../../../etc' }])] },
    }));
    const refused = await kubectl(attacker, 'apply', '-f', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("spec.containers[0].volumeMounts[0].subPath: Invalid value: \"../../../../etc\": must not contain '..'");
    await apply(attacker, 'expr', {
      volumes: [{ name: 'v', hostPath: { path: '/expr' } }],
      containers: [
        busybox('up', 'exec sleep 3600', [{ name: 'v', mountPath: '/x', subPathExpr: '$(UP)/$(UP)/etc' }], { env: [{ name: 'UP', value: '..' }] }),
        busybox('abs', 'exec sleep 3600', [{ name: 'v', mountPath: '/x', subPathExpr: '$(ROOT)etc' }], { env: [{ name: 'ROOT', value: '/' }] }),
        busybox('fine', 'exec sleep 3600', [{ name: 'v', mountPath: '/x', subPathExpr: '$(POD)' }], { env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }),
      ],
    });
    expect(await waitWaiting(attacker, 'expr', 'up', 'CreateContainerConfigError')).toBe("subPathExpr \"../../etc\" must be a relative path that does not contain '..'");
    expect(await waitWaiting(attacker, 'expr', 'abs', 'CreateContainerConfigError')).toBe("subPathExpr \"/etc\" must be a relative path that does not contain '..'");
    await waitRunning(attacker, 'expr', 'fine');
    expect(existsSync(join(attacker.nodeDir, 'expr', 'expr'))).toBe(true);
    await nothingEscaped();
  });

  it('5. a link where the termination message goes is resolved inside the container, and the kubelet reads only its own file', async () => {
    await apply(attacker, 'termination', {
      restartPolicy: 'Never',
      volumes: [{ name: 'd', hostPath: { path: '/term' } }],
      initContainers: [busybox('plant', 'ln -sf /etc/shadow /d/tm', [{ name: 'd', mountPath: '/d' }])],
      containers: [
        busybox('through-link', 'echo pwned > /d/tm; exit 1', [{ name: 'd', mountPath: '/d' }], { terminationMessagePath: '/d/tm' }),
        // The default file is a bind mount: it cannot be removed or replaced by a link.
        busybox('replace-default', 'rm -f /dev/termination-log; ln -sf /etc/shadow /dev/termination-log; echo mine > /dev/termination-log; exit 1', []),
      ],
    });
    const ended = await waitFor('both ended', async () => {
      const p = await pod(attacker, 'termination');
      return p.status?.phase === 'Failed' ? p : undefined;
    }, 120_000);
    const message = (name: string) => ended.status?.containerStatuses?.find((c) => c.name === name)?.state?.terminated?.message;
    expect(message('through-link')).toBe('pwned\n');
    expect(message('replace-default')).toBe('mine\n');
    // The link stays in the node directory; nothing host-side reads through it.
    expect(lstatSync(join(attacker.nodeDir, 'term/tm')).isSymbolicLink()).toBe(true);
    expect(await readNodeFile(attacker.nodeDir, '/term/tm')).toBeUndefined();
    await nothingEscaped();
  });

  it('6. a node file a check reads, replaced by links to /etc/shadow, a FIFO or a hard link, is never read from the host', async () => {
    await apply(attacker, 'node-files', {
      volumes: [{ name: 'log', hostPath: { path: '/var/log' } }],
      containers: [
        busybox(
          'c',
          'echo real > /var/log/app.log; ln -sf /etc/shadow /var/log/app.log; ln -s ../../../../../../../../../../../../etc/shadow /var/log/climb.log; mkfifo /var/log/fifo.log; ln /etc/passwd /var/log/hard.log 2>/var/log/hard.err; touch /var/log/ready; exec sleep 3600',
          [{ name: 'log', mountPath: '/var/log' }],
        ),
      ],
    });
    await waitFor('planted', () => existsSync(join(attacker.nodeDir, 'var/log/ready')), 120_000);
    const context: CheckContext = { clients: undefined as never, readNodeFile: (path) => readNodeFile(attacker.nodeDir, path) };
    for (const path of ['/var/log/app.log', '/var/log/climb.log', '/var/log/fifo.log', '/var/log/hard.log']) {
      expect(await nodeFile({ path, exists: true }, context)).toEqual({ passed: false, observed: { en: `${path} does not exist on the node`, 'zh-CN': `节点上没有 ${path}` } });
    }
    expect(readFileSync(join(attacker.nodeDir, 'var/log/hard.err'), 'utf8')).toMatch(/Invalid cross-device link/);
    // Exercise setup writes node files too: never through the link.
    await expect(writeNodeFile(attacker.nodeDir, '/var/log/app.log', 'root::0:0:::::\n')).rejects.toThrow(/leaves the node directory/);
    await expect(writeNodeFile(attacker.nodeDir, '/var/log/climb.log', 'root::0:0:::::\n')).rejects.toThrow(/leaves the node directory/);
    await expect(writeNodeFile(attacker.nodeDir, '/var/log/fifo.log', 'x')).rejects.toThrow(/not a regular file/);
    await writeNodeFile(attacker.nodeDir, '/var/log/fresh.log', 'from setup\n');
    expect((await kubectl(attacker, 'exec', 'node-files', '--', 'cat', '/var/log/fresh.log')).stdout).toBe('from setup\n');
    await nothingEscaped();
  });

  it('7. hostPath of type Socket, CharDevice, BlockDevice or File through a planted link is refused before anything runs', async () => {
    await apply(attacker, 'devices', {
      restartPolicy: 'Never',
      volumes: [{ name: 'n', hostPath: { path: '/n' } }],
      containers: [
        busybox('plant', 'ln -s /run/kubelab/podman.sock /n/sock; ln -s /dev/kmsg /n/kmsg; ln -s /dev/vda /n/disk; ln -s /etc/shadow /n/shadow; ln -s ../../../../../../../../../etc/shadow /n/climb', [
          { name: 'n', mountPath: '/n' },
        ]),
      ],
    });
    await waitFor('planted', async () => (await pod(attacker, 'devices')).status?.phase === 'Succeeded', 120_000);
    const cases: [string, string, string][] = [
      ['sock', 'Socket', '/n/sock'],
      ['kmsg', 'CharDevice', '/n/kmsg'],
      ['disk', 'BlockDevice', '/n/disk'],
      ['shadow', 'File', '/n/shadow'],
      ['climb', 'FileOrCreate', '/n/climb'],
    ];
    for (const [name, type, path] of cases) {
      await apply(attacker, `use-${name}`, { volumes: [{ name: 'v', hostPath: { path, type: type as 'File' } }], containers: [busybox('c', 'exec sleep 3600', [{ name: 'v', mountPath: '/v' }])] });
    }
    for (const [name, , path] of cases) {
      const failed = await waitFor(`FailedMount of ${name}`, async () => (await events(attacker, `use-${name}`)).find((e) => e.reason === 'FailedMount'), 120_000);
      expect(failed.message).toBe(`MountVolume.SetUp failed for volume "v" : hostPath ${path} resolves outside the sandbox's node`);
      expect(await engineContainers(attacker.id, `use-${name}`)).toEqual([]);
    }
    await nothingEscaped();
  });

  it('8. hard links cannot reach a file outside the volume: links never cross mounts', async () => {
    await apply(attacker, 'hardlinks', {
      restartPolicy: 'Never',
      volumes: [
        { name: 'h', hostPath: { path: '/hard' } },
        { name: 'e', emptyDir: {} },
      ],
      containers: [
        busybox('c', 'echo e > /e/f; for src in /etc/passwd /e/f /dev/termination-log; do ln $src /h/$(basename $src) 2>&1 || true; done; ls -A /h', [
          { name: 'h', mountPath: '/h' },
          { name: 'e', mountPath: '/e' },
        ]),
      ],
    });
    await waitFor('done', async () => (await pod(attacker, 'hardlinks')).status?.phase === 'Succeeded', 120_000);
    const out = (await kubectl(attacker, 'logs', 'hardlinks')).stdout;
    expect(out.match(/Invalid cross-device link/g)).toHaveLength(3);
    expect(readdirSync(join(attacker.nodeDir, 'hard'))).toEqual([]);
    await nothingEscaped();
  });

  it('9. kubectl cp with a tar holding "../" and links: extraction stays in the container, the client writes nothing outside its target', async () => {
    await apply(attacker, 'cp', {
      volumes: [{ name: 'd', hostPath: { path: '/cp' } }],
      containers: [busybox('c', 'exec sleep 3600', [{ name: 'd', mountPath: '/d' }])],
    });
    await waitRunning(attacker, 'cp', 'c');
    // A tar a learner wrote by hand: a name climbing to the host marker, a link to / and a file
    // through that link into the host marker. Any of them reaching the host lands in hostMarkerDir.
    const work = mkdtempSync(join(dir, 'cp-'));
    const tar = join(work, 'evil.tar');
    const climb = `../../../../../../../../../../../..${hostMarkerDir}/climbed`;
    await execFileAsync('sh', ['-c', [
      `cd ${work}`,
      'mkdir -p a b/root/m',
      'echo climbed > a/up',
      'ln -s / a/root',
      'echo through > b/root/m/through',
      `tar cf evil.tar --transform='s,^a/up$,${climb},' a/up a/root`,
      `tar rf evil.tar --transform='s,^b/root/m/through$,a/root${hostMarkerDir}/through,' b/root/m/through`,
    ].join(' && ')]);
    expect((await execFileAsync('tar', ['tvf', tar])).stdout).toContain(`a/root -> /`);
    // Unpacked inside the container by its own tar, through exec (what kubectl cp does): the
    // climbing name lands below /d, the link to / is refused by busybox's tar.
    const unpacked = await new Promise<string>((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', join(dir, `${attacker.id}.kubeconfig`), '--cache-dir', join(dir, 'cache'), 'exec', '-i', 'cp', '--', 'tar', 'xf', '-', '-C', '/d'], (_error, _stdout, stderr) => resolve(stderr));
      child.stdin?.end(readFileSync(tar));
    });
    expect(unpacked).toContain("tar: can't create symlink 'a/root' to '/'");
    expect(readFileSync(join(attacker.nodeDir, 'cp', hostMarkerDir, 'climbed'), 'utf8')).toBe('climbed\n');
    expect(lstatSync(join(attacker.nodeDir, 'cp/a/root')).isDirectory()).toBe(true);
    expect(readFileSync(join(attacker.nodeDir, 'cp/a/root', hostMarkerDir, 'through'), 'utf8')).toBe('through\n');
    await nothingEscaped();
    // kubectl cp into the Pod: the container unpacks it below /d.
    const copiedIn = await kubectl(attacker, 'cp', tar, 'cp:/d/copied.tar');
    expect(copiedIn, copiedIn.stderr).toMatchObject({ code: 0 });
    expect(readFileSync(join(attacker.nodeDir, 'cp/copied.tar'))).toEqual(readFileSync(tar));
    // kubectl cp out of the Pod through a `tar` the learner replaced: it streams a tar whose
    // names carry the prefix kubectl expects (d/a/), and kubectl unpacks it on the client.
    await execFileAsync('sh', ['-c', [
      `cd ${work}`,
      'echo ok > ok',
      `tar cf out.tar --transform='s,^ok$,d/a/ok,' --transform='s,^a/up$,d/a/${climb},' --transform='s,^a/root$,d/a/root,' ok a/up a/root`,
      `tar rf out.tar --transform='s,^b/root/m/through$,d/a/root${hostMarkerDir}/through,' b/root/m/through`,
    ].join(' && ')]);
    const staged = await kubectl(attacker, 'cp', join(work, 'out.tar'), 'cp:/d/out.tar');
    expect(staged, staged.stderr).toMatchObject({ code: 0 });
    const replaced = await kubectl(attacker, 'exec', 'cp', '--', 'sh', '-c', 'rm /bin/tar && printf "#!/bin/sh\\ncat /d/out.tar\\n" > /bin/tar && chmod +x /bin/tar && echo replaced');
    expect(replaced.stdout).toBe('replaced\n');
    const out = join(work, 'out');
    const copiedOut = await kubectl(attacker, 'cp', 'cp:/d/a', out);
    expect(copiedOut.stderr).toContain('is outside target destination, skipping');
    expect(copiedOut.stderr).toContain(`warning: skipping symlink: "${join(out, 'root')}" -> "/"`);
    expect(readFileSync(join(out, 'ok'), 'utf8')).toBe('ok\n');
    // The file "through" the skipped link is a plain file in a plain directory below out/.
    expect(lstatSync(join(out, 'root')).isDirectory()).toBe(true);
    expect(readFileSync(join(out, 'root', hostMarkerDir, 'through'), 'utf8')).toBe('through\n');
    await nothingEscaped();
  });

  it("10. a relative link to the neighbour's node directory is neither mounted nor written through", async () => {
    await apply(attacker, 'to-neighbour', {
      restartPolicy: 'Never',
      volumes: [{ name: 'x', hostPath: { path: '/x' } }],
      containers: [busybox('plant', `ln -s ../../../${neighbour.id}/node /x/nb`, [{ name: 'x', mountPath: '/x' }])],
    });
    await waitFor('planted', async () => (await pod(attacker, 'to-neighbour')).status?.phase === 'Succeeded', 120_000);
    // The link does lead there when the kernel follows it: that is exactly what must not happen.
    expect(readdirSync(join(attacker.nodeDir, 'x/nb'))).toEqual(['data']);
    await apply(attacker, 'use-neighbour', { volumes: [{ name: 'v', hostPath: { path: '/x/nb/data' } }], containers: [busybox('c', 'echo dead > /v/beat; exec sleep 3600', [{ name: 'v', mountPath: '/v' }])] });
    const failed = await waitFor('FailedMount', async () => (await events(attacker, 'use-neighbour')).find((e) => e.reason === 'FailedMount'), 120_000);
    expect(failed.message).toBe('MountVolume.SetUp failed for volume "v" : hostPath /x/nb/data resolves outside the sandbox\'s node');
    await expect(writeNodeFile(attacker.nodeDir, '/x/nb/data/beat', 'dead\n')).rejects.toThrow(/leaves the node directory/);
    expect(await readNodeFile(attacker.nodeDir, '/x/nb/data/beat')).toBeUndefined();
    await nothingEscaped();
  });
});
