// docker-compose.yml end to end on the local Docker Engine: the file validates, the images build
// (FROM the bases scripts/build-base-image.sh makes), the stack comes up healthy, a learner signs
// up and in through the web app in Chromium, starts a sandbox and gets kubectl's answer in its
// shell through a ticket, and the stack goes down leaving no container, network or volume
// behind, also when a step fails (afterAll). Between the two, root in a learner's Pod attacks the
// stack: the engine socket, the host's cgroup tree, the runner's files, the runner's API and
// PostgreSQL must all be out of its reach, and its container must run under the sandbox's limits.
// Its own project name, free ports on 127.0.0.1 (or COMPOSE_TEST_PORTS=<web>,<runner>), state
// directory and sandbox prefix, so it runs beside the other suites. The engine: the Docker Engine
// at /run/kubelab/docker.sock, or DOCKER_HOST when KUBELAB_ENGINE=docker.
// Run by scripts/test.ts in a lane of its own: npx vitest run --config docker/vitest.config.mts
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const engineSocket =
  process.env.KUBELAB_ENGINE === 'docker' && process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/run/kubelab/docker.sock';
const project = `kubelab-compose-test-${process.pid}`;
const stateDir = mkdtempSync('/var/tmp/kubelab-compose-test-');
const sandboxPrefix = 'composet-';
/** The sandbox's limits the runner is given through the compose file; the learner's Pod must run under them. */
const sandboxMemoryMb = 384;
const sandboxPids = 200;

interface Outcome { code: number; stdout: string; stderr: string }

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 900_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: repoRoot, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (error && code !== 0 ? String(error.message) : '') });
    });
  });
}

/** Runs a command that must succeed; the error carries its output. */
async function must(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<string> {
  const outcome = await run(command, args, env, timeoutMs);
  if (outcome.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${outcome.code}):\n${(outcome.stdout + outcome.stderr).slice(-4000)}`);
  return outcome.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
const docker = (args: string[]) => must('docker', ['-H', `unix://${engineSocket}`, ...args], process.env);

/** The compose file's images (what `docker-compose build` tags), by image ID; '' when absent. */
async function serviceImageIds(): Promise<string[]> {
  const refs = [...readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8').matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1] as string);
  return Promise.all(refs.map(async (ref) => (await run('docker', ['-H', `unix://${engineSocket}`, 'image', 'inspect', '--format', '{{.Id}}', ref], process.env)).stdout.trim()));
}

let env: NodeJS.ProcessEnv;
let webUrl = '';
let browser: Browser | undefined;
let page: Page;
let sandboxId = '';

/**
 * Types `command` into the sandbox's shell as the terminal does (a ticket from the web app, then
 * the runner's WebSocket with the web app's Origin) and returns the screen once `until` (a
 * regular expression) shows, or after 240 s. A refused or closed shell is said on the screen.
 */
async function shell(terminal: string, command: string, until: string): Promise<string> {
  const ticket = await page.request.post(`/api/sandboxes/${sandboxId}/tickets`, { data: { terminal } });
  expect(ticket.status(), await ticket.text()).toBe(200);
  const { url } = (await ticket.json()) as { url: string };
  expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${env.RUNNER_PORT}/`));
  return page.evaluate(async ({ shellUrl, typed, pattern }) => {
    const ws = new WebSocket(shellUrl);
    ws.binaryType = 'arraybuffer';
    let text = '';
    const decoder = new TextDecoder();
    return await new Promise<string>((resolve) => {
      const done = () => { ws.close(); resolve(text); };
      const timer = setTimeout(done, 240_000);
      ws.onmessage = (event) => {
        if (typeof event.data !== 'string') text += decoder.decode(event.data as ArrayBuffer);
        if (new RegExp(pattern).test(text)) { clearTimeout(timer); done(); }
      };
      ws.onopen = () => ws.send(new TextEncoder().encode(`${typed}\r`));
      ws.onerror = () => { text += '\n[websocket error]'; clearTimeout(timer); done(); };
      ws.onclose = (event) => { text += `\n[websocket closed ${event.code} ${event.reason}]`; clearTimeout(timer); resolve(text); };
    });
  }, { shellUrl: url, typed: command, pattern: until });
}

/** Everything the stack and its sandboxes left on the engine; safe to repeat. */
async function bringDown(): Promise<void> {
  await run('docker-compose', ['down', '--volumes', '--remove-orphans', '--timeout', '20'], env, 180_000);
  // The runner's sandboxes are containers on the engine, outside compose: they carry the install
  // identity from this test's state directory.
  const install = (() => {
    try {
      return readFileSync(path.join(stateDir, 'install-id'), 'utf8').trim();
    } catch {
      return '';
    }
  })();
  if (install) {
    const ids = (await docker(['ps', '-aq', '--filter', `label=io.kubelab.install=${install}`])).split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', '-v', ...ids]);
  }
}

/** What is still on the engine under the compose project's label. */
async function leftovers(): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const [containers, networks, volumes] = await Promise.all([
    docker(['ps', '-aq', '--filter', label]),
    docker(['network', 'ls', '-q', '--filter', label]),
    docker(['volume', 'ls', '-q', '--filter', label]),
  ]);
  return [...containers.split('\n'), ...networks.split('\n'), ...volumes.split('\n')].filter(Boolean);
}

beforeAll(async () => {
  const fixed = process.env.COMPOSE_TEST_PORTS?.split(',').map(Number);
  const [webPort, runnerPort] = fixed?.length === 2 && fixed.every((p) => p > 0 && p < 65536) ? fixed : [await freePort(), await freePort()];
  webUrl = `http://127.0.0.1:${webPort}`;
  env = {
    ...process.env,
    DOCKER_HOST: `unix://${engineSocket}`,
    COMPOSE_PROJECT_NAME: project,
    PORT: String(webPort),
    RUNNER_PORT: String(runnerPort),
    RUNNER_TOKEN: randomBytes(24).toString('hex'),
    POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
    AUTH_SECRET: randomBytes(33).toString('base64'),
    KUBELAB_ENGINE_SOCKET: engineSocket,
    KUBELAB_COMPOSE_STATE_DIR: stateDir,
    RUNNER_ENGINE: 'docker',
    RUNNER_SANDBOX_PREFIX: sandboxPrefix,
    RUNNER_WARM_POOL_SIZE: '0',
    RUNNER_SANDBOX_MEMORY_MB: String(sandboxMemoryMb),
    RUNNER_SANDBOX_PIDS: String(sandboxPids),
    SIGNUP_OPEN: 'true',
  };
  // The state directory must be a shared mount for the runner's rshared bind (this host's / is
  // private: no systemd), as the README has an operator do it.
  await must('mount', ['--bind', stateDir, stateDir], env);
  await must('mount', ['--make-shared', stateDir], env);
  let started = Date.now();
  await must('bash', ['scripts/build-base-image.sh'], env, 900_000);
  console.log(`[compose] base images ready in ${seconds(started)} s`);
  started = Date.now();
  const previous = await serviceImageIds();
  await must('docker-compose', ['build'], env, 1_800_000);
  console.log(`[compose] service images built in ${seconds(started)} s`);
  // A rebuild leaves the images it replaced untagged, and the build stages too: about 4 GB per
  // run of the suite on a developer's engine. A replaced image still used by a container stays.
  const current = await serviceImageIds();
  const replaced = previous.filter((id) => id && !current.includes(id));
  if (replaced.length) await run('docker', ['-H', `unix://${engineSocket}`, 'rmi', ...replaced], process.env);
  await docker(['image', 'prune', '--force', '--filter', 'label=io.kubelab.build-stage=compose']);
  started = Date.now();
  const up = await run('docker-compose', ['up', '-d'], env, 600_000);
  if (up.code !== 0) {
    const logs = await run('docker-compose', ['logs', '--tail', '40'], env);
    throw new Error(`docker-compose up -d failed:\n${up.stderr.slice(-2000)}\n${logs.stdout.slice(-6000)}`);
  }
  const ids = (await must('docker-compose', ['ps', '-q'], env)).split('\n').filter(Boolean);
  expect(ids).toHaveLength(3);
  for (;;) {
    const health = (await docker(['inspect', '--format', '{{.Name}} {{.State.Status}} {{.State.Health.Status}}', ...ids])).trim().split('\n');
    if (health.every((line) => line.endsWith(' running healthy'))) break;
    const broken = health.filter((line) => !/ running (starting|healthy)$/.test(line));
    if (broken.length || Date.now() - started > 300_000) {
      const logs = await run('docker-compose', ['logs', '--tail', '40'], env);
      throw new Error(`the stack did not become healthy: ${health.join('; ')}\n${logs.stdout.slice(-6000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log(`[compose] stack up and healthy in ${seconds(started)} s`);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  page = await (await browser.newContext({ baseURL: webUrl, locale: 'en-US' })).newPage();
}, 3_600_000);

afterAll(async () => {
  await browser?.close();
  if (env) await bringDown();
  await run('umount', ['--lazy', stateDir], process.env);
  rmSync(stateDir, { recursive: true, force: true });
}, 300_000);

describe('docker-compose.yml', () => {
  it('renders with its required secrets, and without one says which is missing', async () => {
    expect((await run('docker-compose', ['config', '--quiet'], env)).code).toBe(0);
    const { code, stderr } = await run('docker-compose', ['config', '--quiet'], { ...env, RUNNER_TOKEN: '' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('set RUNNER_TOKEN');
  });

  it('serves a learner: sign-up and sign-in, a sandbox started through the web app, kubectl answering in its shell', async () => {
    const email = `compose-${Date.now()}@e2e.kubelab.test`;
    const password = 'compose password 1';
    await page.goto('/sign-up');
    await page.getByLabel('Name').fill('Compose Learner');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${webUrl}/`);
    // Signed in again from a fresh session, so the account is the one PostgreSQL kept.
    await page.context().clearCookies();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${webUrl}/`);

    let started = Date.now();
    const created = await page.request.post('/api/sandboxes', { data: { exercise: 'localhost-talk' }, timeout: 300_000 });
    console.log(`[compose] sandbox created through the web app in ${seconds(started)} s`);
    expect(created.status(), await created.text()).toBe(201);
    const sandbox = (await created.json()) as { id: string; state: string };
    sandboxId = sandbox.id;
    expect(sandbox.state).toBe('ready');

    // The browser opens the shell as the terminal does (Origin: the web app), asks kubectl, and
    // runs a Pod: the kubelet in the runner's container makes its cgroup under the host's tree and
    // hands the engine bind sources from the state directory, which only works at the same path.
    started = Date.now();
    const screen = await shell(
      't1',
      'kubectl get namespaces -o name; kubectl run probe --image=busybox:1.36 --restart=Never -- sleep 600 && ' +
        'kubectl wait --for=condition=Ready pod/probe --timeout=200s && echo POD-$((6*7))-READY || echo POD-$((6*7))-FAILED',
      'POD-42-(READY|FAILED)',
    );
    console.log(`[compose] shell answered and the Pod was Ready in ${seconds(started)} s; its last lines:\n${screen.split('\n').slice(-6).join('\n')}`);
    expect(screen).toContain('namespace/default');
    expect(screen).toContain('namespace/kube-system');
    expect(screen).toContain('pod/probe condition met');
    expect(screen).toContain('POD-42-READY');

    // The Pod is real: its containers run on the host's engine, under the sandbox's cgroup.
    const install = readFileSync(path.join(stateDir, 'install-id'), 'utf8').trim();
    const podContainers = (await docker(['ps', '-q', '--filter', 'label=io.kubelab.pod-name=probe', '--filter', `label=io.kubelab.install=${install}`]))
      .split('\n').filter(Boolean);
    expect(podContainers.length).toBeGreaterThanOrEqual(1);
    const cgroupParent = (await docker(['inspect', '--format', '{{.HostConfig.CgroupParent}}', ...podContainers])).trim().split('\n');
    expect(cgroupParent.every((parent) => parent.startsWith(`/kubelab/${sandboxPrefix}`)), cgroupParent.join(', ')).toBe(true);
  });

  it("keeps root in a learner's Pod from the engine, the host's cgroups, the runner's files and ports and PostgreSQL, under the sandbox's limits", async () => {
    expect(sandboxId, 'the sandbox of the test before').not.toBe('');
    const [webPort, runnerPort] = [env.PORT, env.RUNNER_PORT];
    // Root in the Pod (busybox's default user), with the node's / as a hostPath volume.
    const attack = [
      'say(){ echo "ATTACK $*"; }',
      `say sockets "[$(find / -path /proc -prune -o -path /sys -prune -o -type s -print 2>/dev/null | tr '\\n' ' ')]"`,
      `[ -e ${engineSocket} ] && say engine-socket present || say engine-socket absent`,
      `[ -e ${stateDir} ] || [ -e /app ] && say runner-files present || say runner-files absent`,
      `say node-dir "[$(ls -A /node | tr '\\n' ' ')]"`,
      'mkdir /sys/fs/cgroup/pids/intruder 2>/dev/null && say cgroup-mkdir created || say cgroup-mkdir refused',
      '(echo max > /sys/fs/cgroup/pids/pids.max) 2>/dev/null && say cgroup-raise-pids written || say cgroup-raise-pids refused',
      '(echo -1 > /sys/fs/cgroup/memory/memory.limit_in_bytes) 2>/dev/null && say cgroup-raise-memory written || say cgroup-raise-memory refused',
      `say cgroup-children "[$(find /sys/fs/cgroup/pids /sys/fs/cgroup/memory -mindepth 1 -type d 2>/dev/null | tr '\\n' ' ')]"`,
      "say memory-limit $(sed -n 's/^hierarchical_memory_limit //p' /sys/fs/cgroup/memory/memory.stat)",
      'say pids-max $(cat /sys/fs/cgroup/pids/pids.max)',
      `for p in ${webPort} ${runnerPort} 5432; do nc -w 2 127.0.0.1 $p </dev/null >/dev/null 2>&1 && say connect-$p open || say connect-$p refused; done`,
      '[ -e /run/postgresql ] && say postgres-socket present || say postgres-socket absent',
      `say interfaces "[$(ls /sys/class/net | tr '\\n' ' ')]"`,
      'echo ATTACK-DONE; exec sleep 600',
    ].join('\n');
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'intruder' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'node', hostPath: { path: '/' } }],
        containers: [{ name: 'attack', image: 'busybox:1.36', command: ['sh', '-c', attack], volumeMounts: [{ name: 'node', mountPath: '/node' }] }],
      },
    };
    // One line through the terminal, however the manifest is quoted.
    const encoded = Buffer.from(JSON.stringify(manifest)).toString('base64');
    const screen = await shell(
      't2',
      `echo ${encoded} | base64 -d | kubectl apply -f - && kubectl wait --for=condition=Ready pod/intruder --timeout=200s && echo INTRUDER-$((6*7))-READY || echo INTRUDER-$((6*7))-FAILED`,
      'INTRUDER-42-(READY|FAILED)',
    );
    expect(screen).toContain('INTRUDER-42-READY');

    const install = readFileSync(path.join(stateDir, 'install-id'), 'utf8').trim();
    const [container] = (await docker(['ps', '-q', '--filter', 'label=io.kubelab.pod-name=intruder', '--filter', 'label=io.kubelab.container=attack', '--filter', `label=io.kubelab.install=${install}`]))
      .split('\n').filter(Boolean);
    expect(container).toBeDefined();
    let log = '';
    for (let i = 0; i < 120 && !log.includes('ATTACK-DONE'); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      log = await docker(['logs', container as string]);
    }
    const found = Object.fromEntries(log.split('\n').filter((line) => line.startsWith('ATTACK ')).map((line) => {
      const [, key, ...value] = line.split(' ');
      return [key, value.join(' ')];
    }));
    console.log(`[compose] what root in the learner's Pod found: ${JSON.stringify(found)}`);
    expect(found).toEqual({
      sockets: '[]',
      'engine-socket': 'absent',
      'runner-files': 'absent',
      'node-dir': expect.not.stringMatching(/install-id|clusters|sandboxes/),
      'cgroup-mkdir': 'refused',
      'cgroup-raise-pids': 'refused',
      'cgroup-raise-memory': 'refused',
      'cgroup-children': '[]',
      'memory-limit': String(sandboxMemoryMb * 1024 * 1024),
      'pids-max': String(sandboxPids),
      [`connect-${webPort}`]: 'refused',
      [`connect-${runnerPort}`]: 'refused',
      'connect-5432': 'refused',
      'postgres-socket': 'absent',
      interfaces: '[lo ]',
    });
    // The engine's side of it: no network but the Pod's own, the pids limit on the container,
    // and the sandbox's memory limit on the cgroup the runner made in the host's tree.
    const [networkMode, pidsLimit, cgroupParent] = (await docker(['inspect', '--format', '{{.HostConfig.NetworkMode}} {{.HostConfig.PidsLimit}} {{.HostConfig.CgroupParent}}', container as string])).trim().split(' ');
    expect(pidsLimit).toBe(String(sandboxPids));
    const infra = networkMode?.replace(/^container:/, '') ?? '';
    expect((await docker(['inspect', '--format', '{{.HostConfig.NetworkMode}}', infra])).trim()).toBe('none');
    const sandboxCgroup = path.posix.dirname(cgroupParent ?? '');
    expect(sandboxCgroup).toMatch(new RegExp(`^/kubelab/${sandboxPrefix}`));
    expect(readFileSync(`/sys/fs/cgroup/memory${sandboxCgroup}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(sandboxMemoryMb * 1024 * 1024));

    const ended = await page.request.delete(`/api/sandboxes/${sandboxId}`);
    expect(ended.status(), await ended.text()).toBeLessThan(300);
  });

  it('goes down leaving no container, network or volume behind', async () => {
    await bringDown();
    expect(await leftovers()).toEqual([]);
    const install = readFileSync(path.join(stateDir, 'install-id'), 'utf8').trim();
    expect((await docker(['ps', '-aq', '--filter', `label=io.kubelab.install=${install}`])).trim()).toBe('');
  });
});
