// A hostile learner against the sandbox's privileges, through the real kubectl, the real
// embedded cluster and real containers on the shared engine. Two sandboxes: the attacker's
// and a neighbour running the course's counter Pod. Every attack first has to get past
// admission (PodSecurity "baseline", refused with the real wording), then, as root in an
// admitted container and in the toolbox shell, tries to reach the kernel, the host and the
// neighbour. After each one: nothing escaped (the host's canary process and kernel settings
// are untouched) and the neighbour sandbox still works.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmbeddedCluster, EmbeddedClusterHost } from '../embedded/host-contract.js';
import { createEmbeddedClusterHost } from '../embedded/host.js';
import { engineProfile } from '../engines/profile.js';
import { COUNTER_YAML } from '../embedded/kubelet/testing/counter-pod.js';
import { waitFor } from '../embedded/kubelet/testing/helpers.js';
import { IMAGES, ensureImages } from '../images/index.js';
import { SocketRelays } from '../providers/embedded/socket-relay.js';
import { Toolboxes } from '../providers/embedded/toolbox.js';

// Real containers on a machine shared with other suites: allow for a loaded engine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 600_000 });
// The sandboxes here run with the default settings: a user namespace per sandbox on Podman
// (engine-security.ts, userns-holders.ts), the daemon-wide remapping on the Docker Engine
// (engines/profile.ts). With KUBELAB_USERNS=off the checks that container root is an
// unprivileged host uid fail, as they must.

const execFileAsync = promisify(execFile);
const docker = new Dockerode();

/**
 * Container root is an unprivileged host uid: on Podman one of the sandbox's own range from
 * the `containers` subordinate ids (upper half of the uid space); on the Docker Engine the
 * daemon's one remapped root (the same for every sandbox: docs/engines.md).
 */
async function expectUnprivilegedHostRoot(hostBase: number | undefined): Promise<void> {
  const profile = await engineProfile(docker);
  if (profile.userNamespaces === 'daemon-wide') expect(hostBase).toBe(profile.remapRoot);
  else expect(hostBase).toBeGreaterThanOrEqual(2 ** 31 - 1);
  expect(hostBase).toBeGreaterThanOrEqual(65536);
}
/** The host uid root in the attacker's Pods maps to (set by the first test of the Pods' privileges). */
let attackerRoot: number | undefined;
const RUN = randomUUID().slice(0, 8);
const SECRET = `s3cr3t-${RUN}`;

let dir: string;
let host: EmbeddedClusterHost;
let attacker: EmbeddedCluster;
let neighbour: EmbeddedCluster;
let canary: ChildProcess;
const toolboxes = new Toolboxes(docker, { image: IMAGES.toolbox, limits: { memoryBytes: 256 * 2 ** 20, pids: 256, cpus: 1 }, labels: { 'io.kubelab.test-run': RUN } });
let relays: SocketRelays;
const toolboxId = `privattack-${RUN}`;
const hostKernel = () => ({ corePattern: readFileSync('/proc/sys/kernel/core_pattern', 'utf8'), hostname: readFileSync('/proc/sys/kernel/hostname', 'utf8') });
let kernelBefore: ReturnType<typeof hostKernel>;

type Result = { code: number; stdout: string; stderr: string };

async function kubectl(cluster: EmbeddedCluster, ...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync('kubectl', ['--kubeconfig', join(dir, `${cluster.id}.kubeconfig`), '--cache-dir', join(dir, 'cache', cluster.id), ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs a shell script as root in an attacker's container. */
const inPod = (pod: string, script: string) => kubectl(attacker, 'exec', pod, '--', 'sh', '-c', script);

const podYaml = (name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], ...container }] } });

async function neighbourLines(): Promise<number> {
  return (await kubectl(neighbour, 'logs', 'counter', '-c', 'count-log')).stdout.split('\n').filter(Boolean).length;
}

/** Nothing escaped: the host's canary lives, its kernel settings are untouched, and the neighbour's counter still counts. */
async function nothingEscaped(): Promise<void> {
  expect(canary.exitCode).toBeNull();
  expect(() => process.kill(canary.pid ?? -1, 0)).not.toThrow();
  expect(hostKernel()).toEqual(kernelBefore);
  const before = await neighbourLines();
  await waitFor('the neighbour counter to keep counting', async () => (await neighbourLines()) > before, 60_000);
  expect((await kubectl(neighbour, 'get', 'pod', 'counter')).stdout).toMatch(/counter\s+2\/2\s+Running\s+0\s/);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-privattack-'));
  await ensureImages(docker);
  canary = spawn('sleep', ['3600'], { stdio: 'ignore' });
  kernelBefore = hostKernel();
  host = createEmbeddedClusterHost({ stateDir: join(dir, 'state'), port: 0, storage: 'memory' });
  await host.start();
  attacker = await host.createCluster(`pa-${RUN}`);
  neighbour = await host.createCluster(`pn-${RUN}`);
  for (const cluster of [attacker, neighbour]) await writeFile(join(dir, `${cluster.id}.kubeconfig`), cluster.kubeconfig());
  await writeFile(join(dir, 'counter.yaml'), COUNTER_YAML);
  expect((await kubectl(neighbour, 'apply', '-f', join(dir, 'counter.yaml'))).code).toBe(0);
  const pods: [string, string][] = [
    ['root', podYaml('root', {})],
    ['mknod', podYaml('mknod', { securityContext: { capabilities: { add: ['MKNOD', 'AUDIT_WRITE'] } } })],
    ['victim', podYaml('victim', { env: [{ name: 'API_KEY', value: SECRET }] })],
  ];
  for (const [name, yaml] of pods) {
    await writeFile(join(dir, `${name}.json`), yaml);
    expect((await kubectl(attacker, 'apply', '-f', join(dir, `${name}.json`))).code).toBe(0);
  }
  for (const [cluster, pod] of [[neighbour, 'counter'], [attacker, 'root'], [attacker, 'mknod'], [attacker, 'victim']] as const) {
    const wait = await kubectl(cluster, 'wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=300s');
    expect(wait.stdout, wait.stderr).toBe(`pod/${pod} condition met\n`);
  }
  relays = new SocketRelays(join(dir, 'relays'));
  const relayDir = await relays.open(toolboxId, attacker.socketPath);
  await toolboxes.create(toolboxId, { hostPath: relayDir, containerPath: '/run/kubelab' }, 'attacker');
});

afterAll(async () => {
  canary?.kill('SIGKILL');
  await toolboxes.remove(toolboxId).catch(() => undefined);
  await relays?.closeAll();
  for (const cluster of [attacker, neighbour]) if (cluster) await host.deleteCluster(cluster.id);
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('admission refuses what PodSecurity baseline refuses, with the real wording', () => {
  const violates = (name: string, file: string) => `Error from server (Forbidden): error when creating "${file}": pods "${name}" is forbidden: violates PodSecurity "baseline:latest": `;

  it.each(['SYS_MODULE', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'SYS_RAWIO', 'BPF', 'NET_ADMIN', 'NET_RAW', 'SYS_TIME', 'SYS_ADMIN', 'PERFMON', 'SYS_BOOT', 'ALL'])('capability %s', async (cap) => {
    const name = `cap-${cap.toLowerCase().replace(/_/g, '-')}`;
    const file = join(dir, `${name}.json`);
    await writeFile(file, podYaml(name, { securityContext: { capabilities: { add: [cap] } } }));
    const result = await kubectl(attacker, 'apply', '-f', file);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`${violates(name, file)}non-default capabilities (container "c" must not include "${cap}" in securityContext.capabilities.add)`);
    expect((await kubectl(attacker, 'get', 'pod', name)).stderr).toContain(`pods "${name}" not found`);
    await nothingEscaped();
  });

  it.each([
    ['privileged', {}, { securityContext: { privileged: true } }, 'privileged (container "c" must not set securityContext.privileged=true)'],
    ['host-pid', { hostPID: true }, {}, 'host namespaces (hostPID=true)'],
    ['host-network', { hostNetwork: true }, {}, 'host namespaces (hostNetwork=true)'],
    ['host-ipc', { hostIPC: true }, {}, 'host namespaces (hostIPC=true)'],
    ['host-port', {}, { ports: [{ containerPort: 22, hostPort: 22 }] }, 'hostPort (container "c" uses hostPort 22)'],
    ['sysctl', { securityContext: { sysctls: [{ name: 'kernel.core_pattern', value: '|/tmp/x' }] } }, {}, 'forbidden sysctls (kernel.core_pattern)'],
    ['proc-unmasked', {}, { securityContext: { procMount: 'Unmasked' } }, 'procMount (container "c" must not set securityContext.procMount to "Unmasked")'],
    ['seccomp', {}, { securityContext: { seccompProfile: { type: 'Unconfined' } } }, 'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")'],
    ['apparmor', { securityContext: { appArmorProfile: { type: 'Unconfined' } } }, {}, 'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")'],
  ])('%s', async (name, spec, container, reason) => {
    const file = join(dir, `${name}.json`);
    await writeFile(file, podYaml(name, container, spec));
    const result = await kubectl(attacker, 'apply', '-f', file);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`${violates(name, file)}${reason}`);
    expect((await kubectl(attacker, 'get', 'pod', name)).stderr).toContain(`pods "${name}" not found`);
    await nothingEscaped();
  });
});

describe('root in an admitted container', () => {
  it('runs with the sandbox default capabilities only, no-new-privileges, seccomp, and as an unprivileged host uid', async () => {
    const result = await inPod('root', 'grep -E "^(CapEff|CapBnd|CapPrm|NoNewPrivs|Seccomp):" /proc/1/status; cat /proc/self/uid_map');
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
    expect(result.stdout).toMatch(/CapPrm:\s+00000000800405fb\nCapEff:\s+00000000800405fb\nCapBnd:\s+00000000800405fb\nNoNewPrivs:\s+1\nSeccomp:\s+2\n/);
    const [inside, hostBase, size] = result.stdout.trim().split('\n').at(-1)?.trim().split(/\s+/).map(Number) ?? [];
    expect(inside).toBe(0);
    await expectUnprivilegedHostRoot(hostBase);
    expect(size).toBe(65536);
    attackerRoot = hostBase;
    const mknod = await inPod('mknod', 'grep CapEff /proc/1/status');
    // ... plus MKNOD (bit 27) and AUDIT_WRITE (bit 29), which baseline allows
    expect(mknod.stdout).toMatch(/CapEff:\s+00000000a80405fb/);
    await nothingEscaped();
  });

  it('cannot write kernel settings through /proc/sys, nor trigger sysrq', async () => {
    const result = await inPod(
      'root',
      [
        "echo '|/tmp/pwn' > /proc/sys/kernel/core_pattern && echo ESCAPED-core",
        'sysctl -w kernel.hostname=pwned && echo ESCAPED-sysctl',
        'echo 3 > /proc/sys/vm/drop_caches && echo ESCAPED-drop',
        'echo h > /proc/sysrq-trigger && echo ESCAPED-sysrq',
        'mount -o remount,rw /proc/sys && echo ESCAPED-remount',
        'echo done',
      ].join('; '),
    );
    expect(result.stdout).toBe('done\n');
    expect(result.stderr).toMatch(/Read-only file system/);
    await nothingEscaped();
  });

  it('cannot write /sys nor create cgroups', async () => {
    // Every real cgroup directory the container sees (those with a cgroup.procs: the v2 root, or
    // the v1 controllers), and the limits of its own cgroup. On cgroups v1 /sys/fs/cgroup itself
    // is a tmpfs holding the controllers; the Docker Engine with a user namespace mounts it
    // writable (it cannot remount it read-only there), a directory made in it is no cgroup and
    // is checked to be none.
    const result = await inPod(
      'root',
      [
        'echo 1 > /sys/kernel/mm/ksm/run && echo ESCAPED-ksm',
        'for d in /sys/fs/cgroup /sys/fs/cgroup/*; do [ -e $d/cgroup.procs ] || continue; mkdir $d/pwn && echo ESCAPED-cgroup-$d; echo 1 > $d/cgroup.procs && echo ESCAPED-procs-$d; done',
        'for f in /sys/fs/cgroup/pids.max /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do [ -e $f ] && echo 9999999999 > $f && echo ESCAPED-limit-$f; done',
        'if [ -e /sys/fs/cgroup/cgroup.procs ]; then mkdir /sys/fs/cgroup/pwn && echo ESCAPED-cgroup; elif mkdir /sys/fs/cgroup/pwn 2>/dev/null; then [ -e /sys/fs/cgroup/pwn/cgroup.procs ] && echo ESCAPED-cgroup-tmpfs; rmdir /sys/fs/cgroup/pwn; fi',
        'echo done',
      ].join('; '),
    );
    expect(result.stdout).toBe('done\n');
    await nothingEscaped();
  });

  it('cannot create and read the host disk as a block device, even with MKNOD added', async () => {
    const disk = statSync('/').dev;
    const major = Math.floor(disk / 256) & 0xfff;
    const minor = (disk & 0xff) | ((disk >> 12) & 0xfff00);
    for (const pod of ['root', 'mknod']) {
      const result = await inPod(pod, `mknod /tmp/disk b ${major} ${minor} && echo CREATED; head -c 512 /tmp/disk | wc -c; ls /dev; echo done`);
      expect(result.stdout).not.toContain('CREATED');
      expect(result.stdout).toMatch(/^0\n/);
      // Only the default pseudo-devices: no disk, no kmsg, no mem.
      expect(result.stdout).not.toMatch(/\b(vd[a-z]|sd[a-z]|nvme\w+|kmsg|mem|port)\b/);
    }
    await nothingEscaped();
  });

  it('cannot mount, nor enter pid 1\'s namespaces, nor load modules, set the clock, read the kernel log or reconfigure the network', async () => {
    const result = await inPod(
      'root',
      [
        'mount -t tmpfs none /mnt && echo ESCAPED-tmpfs',
        'mount -t proc proc /mnt && echo ESCAPED-proc',
        'nsenter -t 1 -m -p sh -c true && echo ESCAPED-nsenter',
        'insmod /nonexistent.ko; modprobe loop && echo ESCAPED-modprobe',
        // busybox's date reports a failed settimeofday on stderr and still exits 0
        "date -s 2001-01-01 2>&1 | grep -q \"can't set date\" || echo ESCAPED-date",
        'dmesg >/dev/null && echo ESCAPED-dmesg',
        'ip link add pwn type dummy && echo ESCAPED-ip',
        'ping -c1 -W1 127.0.0.1 >/dev/null && echo ESCAPED-ping',
        'swapon /tmp && echo ESCAPED-swap',
        'echo done',
      ].join('; '),
    );
    expect(result.stdout).toBe('done\n');
    expect(new Date().getUTCFullYear()).toBeGreaterThan(2001);
    await nothingEscaped();
  });

  it('cannot see, signal or trace the runner or any process outside its Pod', async () => {
    const targets = [process.pid, canary.pid ?? 0];
    const result = await inPod(
      'root',
      [
        ...targets.map((pid) => `kill -9 ${pid} && echo ESCAPED-kill-${pid}; ls /proc/${pid}/ >/dev/null 2>&1 && echo SEEN-${pid}`),
        // Everything it can see: its own Pod only (pause, sleep and this shell).
        'for p in /proc/[0-9]*; do cat $p/comm; done | sort | tr "\\n" " "',
      ].join('; '),
    );
    expect(result.stdout).not.toMatch(/ESCAPED|SEEN/);
    expect(result.stdout.trim().split(' ').filter((c) => !['cat', 'sh', 'sort', 'tr'].includes(c))).toEqual(['sleep']);
    await nothingEscaped();
  });

  it("cannot read another container's environment (a neighbour Pod's secret)", async () => {
    const result = await inPod('root', `cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c ${SECRET}; echo done`);
    expect(result.stdout).toBe('0\ndone\n');
    // The victim itself has it: the secret is real.
    expect((await kubectl(attacker, 'exec', 'victim', '--', 'sh', '-c', 'echo $API_KEY')).stdout).toBe(`${SECRET}\n`);
    await nothingEscaped();
  });

  it('gains nothing outside a new user namespace of its own (unshare -U), and sees no kernel keys', async () => {
    const result = await inPod(
      'root',
      [
        'unshare -U sh -c "grep CapEff /proc/self/status; echo 1 > /proc/sys/vm/drop_caches && echo ESCAPED-unshare-proc; mknod /tmp/d2 b 7 0 && echo ESCAPED-unshare-mknod; nsenter -t 1 -m true && echo ESCAPED-unshare-nsenter"',
        `unshare -U sh -c "kill -9 ${canary.pid ?? 0}" && echo ESCAPED-unshare-kill`,
        'wc -l < /proc/keys',
        'echo done',
      ].join('; '),
    );
    expect(result.stdout).not.toContain('ESCAPED');
    // The Docker Engine's seccomp profile refuses unshare(CLONE_NEWUSER) outright (no CapEff
    // line then); Podman's lets it through, and the namespace grants nothing.
    expect(result.stdout).toMatch((await engineProfile(docker)).name === 'docker' ? /^0\ndone\n$/ : /\n0\ndone\n$/);
    await nothingEscaped();
  });
});

describe('every container of a Pod on the engine', () => {
  it('infra and app share one user namespace; the infra holds no capability; no container is privileged or unconfined', async () => {
    const listed = await docker.listContainers({ filters: { label: [`io.kubelab.cluster=${attacker.id}`, 'io.kubelab.pod-name=root'] } });
    expect(listed.map((c) => c.Labels['io.kubelab.role']).sort()).toEqual(['app', 'infra']);
    const namespaces = new Set<string>();
    for (const item of listed) {
      const info = await docker.getContainer(item.Id).inspect();
      expect(info.HostConfig.Privileged).toBe(false);
      expect(info.HostConfig.SecurityOpt ?? []).not.toContain('seccomp=unconfined');
      const status = readFileSync(`/proc/${info.State.Pid}/status`, 'utf8');
      expect(status).toMatch(/NoNewPrivs:\s+1/);
      expect(status).toMatch(/Seccomp:\s+2/);
      if (item.Labels['io.kubelab.role'] === 'infra') expect(status).toMatch(/CapEff:\s+0000000000000000/);
      namespaces.add(readlinkSync(`/proc/${info.State.Pid}/ns/user`));
    }
    expect(namespaces.size).toBe(1);
    expect([...namespaces][0]).not.toBe(readlinkSync('/proc/self/ns/user'));
    await nothingEscaped();
  });
});

describe('the toolbox shell', () => {
  it('holds no capability and gets nowhere with the same attacks', async () => {
    const script = [
      'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/1/status',
      'cat /proc/self/uid_map',
      "echo '|/tmp/pwn' > /proc/sys/kernel/core_pattern && echo ESCAPED-core",
      'echo h > /proc/sysrq-trigger && echo ESCAPED-sysrq',
      'echo 1 > /sys/kernel/mm/ksm/run && echo ESCAPED-sys',
      'mknod /tmp/disk b 7 0 && echo ESCAPED-mknod',
      'mount -t tmpfs none /mnt && echo ESCAPED-mount',
      `kill -9 ${canary.pid ?? 0} && echo ESCAPED-kill`,
      'nsenter -t 1 -m true && echo ESCAPED-nsenter',
      `unshare -U sh -c "kill -9 ${canary.pid ?? 0}" && echo ESCAPED-unshare`,
      `cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c ${SECRET}`,
      'kubectl get pod victim -o name',
    ].join('; ');
    const result = await toolboxes.exec(toolboxId, ['bash', '-c', script], { timeoutMs: 60_000 });
    expect(result.stdout).toMatch(/^CapEff:\s+0000000000000000\nNoNewPrivs:\s+1\nSeccomp:\s+2\n\s+0\s+(\d+)\s+65536\n0\npod\/victim\n$/);
    const toolboxRoot = Number(/^\s+0\s+(\d+)\s+65536$/m.exec(result.stdout)?.[1]);
    await expectUnprivilegedHostRoot(toolboxRoot);
    // On Podman the toolbox has a range of its own, apart from the Pods'.
    if ((await engineProfile(docker)).userNamespaces === 'per-sandbox') expect(toolboxRoot).not.toBe(attackerRoot);
    await nothingEscaped();
  });
});

describe('images', () => {
  it('only the platform image runs: a Pod naming any other image, present on the engine or not, never starts', async () => {
    const file = join(dir, 'foreign.json');
    await writeFile(file, podYaml('foreign', { image: 'docker.io/library/alpine:3.19' }));
    expect((await kubectl(attacker, 'apply', '-f', file)).code).toBe(0);
    await waitFor('ErrImagePull', async () => /foreign\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/.test((await kubectl(attacker, 'get', 'pod', 'foreign')).stdout), 60_000);
    const ids = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${attacker.id}`, 'io.kubelab.pod-name=root', 'io.kubelab.role=app'] } });
    expect((await docker.getContainer(ids[0]?.Id ?? '').inspect()).Image).toBe((await docker.getImage(IMAGES.busybox).inspect()).Id);
    await nothingEscaped();
  });
});
