// Real kubectl 1.27 ... 1.33 against serveStreamUpgrade, in every protocol each version
// speaks: exec (stdout/stderr, exit codes, stdin, TTY + resize), attach (-i and -it),
// run -it --rm, cp both ways, port-forward, and errors thrown by start()/connect().
// Sessions are real host processes, forwarded ports a real TCP echo server. Which protocol
// each command really used is checked from the recorded upgrade requests.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type KubectlContext,
  collect,
  runKubectl,
  runKubectlInTerminal,
  startKubectl,
  writeKubeconfig,
} from './testing/kubectl-runner.js';
import { type StreamTestServer, startEchoServer, startStreamTestServer, waitForFile } from './testing/stream-test-server.js';
import type { Version } from '../compat/testing/kubectl.js';

type Protocol = 'websocket' | 'spdy';
interface Combo { version: Version; protocol: Protocol; env: Record<string, string> }

// Exec/attach: 1.27/1.28 speak SPDY only; 1.29 SPDY by default, WebSocket on request;
// 1.30+ WebSocket by default, SPDY on request.
const REMOTE_COMMAND_COMBOS: Combo[] = [
  { version: '1.27', protocol: 'spdy', env: {} },
  { version: '1.28', protocol: 'spdy', env: {} },
  { version: '1.29', protocol: 'spdy', env: {} },
  { version: '1.29', protocol: 'websocket', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' } },
  ...(['1.30', '1.31', '1.32', '1.33'] as const).flatMap((version): Combo[] => [
    { version, protocol: 'websocket', env: {} },
    { version, protocol: 'spdy', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } },
  ]),
];

// Port-forward: SPDY up to 1.30; 1.31+ tunnels SPDY through a WebSocket by default.
const PORT_FORWARD_COMBOS: Combo[] = [
  ...(['1.27', '1.28', '1.29', '1.30'] as const).map((version): Combo => ({ version, protocol: 'spdy', env: {} })),
  ...(['1.31', '1.32', '1.33'] as const).flatMap((version): Combo[] => [
    { version, protocol: 'websocket', env: {} },
    { version, protocol: 'spdy', env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
  ]),
];

let root: string;
let workDir: string;
let server: StreamTestServer;
let echo: Awaited<ReturnType<typeof startEchoServer>>;
let kubeconfig: string;
const sourceFile = { name: 'source.bin', bytes: randomBytes(384 << 10) };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'kubelab-streaming-'));
  workDir = path.join(root, 'pod');
  mkdirSync(workDir);
  writeFileSync(path.join(workDir, sourceFile.name), sourceFile.bytes);
  echo = await startEchoServer();
  server = await startStreamTestServer(workDir, echo.port);
  kubeconfig = path.join(root, 'kubeconfig');
  writeKubeconfig(kubeconfig, server.url);
});

afterAll(async () => {
  await server?.close();
  await echo?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function contextFor(combo: Combo): KubectlContext {
  return { version: combo.version, kubeconfig, cacheDir: path.join(root, `cache-${combo.version}`), env: combo.env };
}

function podName(what: string, combo: Combo): string {
  return `${what}-${combo.version.replace('.', '-')}-${combo.protocol}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every upgrade the server saw for `pod` (cp may exec twice) used the expected protocol. */
function expectProtocol(pod: string, protocol: Protocol): void {
  const seen = server.upgrades.filter((upgrade) => upgrade.pod === pod).map((upgrade) => upgrade.upgrade);
  expect(seen.length).toBeGreaterThan(0);
  expect(new Set(seen)).toEqual(new Set([protocol === 'websocket' ? 'websocket' : 'spdy/3.1']));
}

describe.each(REMOTE_COMMAND_COMBOS)('kubectl $version exec/attach over $protocol', (combo) => {
  const kubectl = () => contextFor(combo);

  test.concurrent('exec keeps stdout and stderr apart and exits 0', async () => {
    const pod = podName('streams', combo);
    const result = await runKubectl(kubectl(), ['exec', pod, '--', 'sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
    expect(result).toMatchObject({ code: 0, stdout: 'to-stdout\n' });
    expect(result.stderr).toBe('to-stderr\n');
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('exec reports exit code 1', async () => {
    const pod = podName('exit1', combo);
    const result = await runKubectl(kubectl(), ['exec', pod, '--', 'sh', '-c', 'exit 1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('command terminated with exit code 1');
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('exec of a missing command exits 127', async () => {
    const pod = podName('exit127', combo);
    const result = await runKubectl(kubectl(), ['exec', pod, '--', 'no-such-command']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('command terminated with exit code 127');
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('exec -i pipes stdin through and sees its end', async () => {
    const pod = podName('stdin', combo);
    const result = await runKubectl(kubectl(), ['exec', '-i', pod, '--', 'sh', '-c', 'cat; echo done'], 'hi\nthere\n');
    expect(result).toMatchObject({ code: 0, stdout: 'hi\nthere\ndone\n' });
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('exec -it runs with a terminal and sends its size', async () => {
    const pod = podName('tty', combo);
    const script = `${waitForFile(`resize-${pod}`)}; echo "tty-ok size:$(head -n1 resize-${pod})"; exit 4`;
    const result = await runKubectlInTerminal(kubectl(), ['exec', '-it', pod, '--', 'sh', '-c', script], '', { cols: 101, rows: 31 });
    expect(result.stdout).toContain('tty-ok size:101x31');
    expect(result.stdout).toContain('command terminated with exit code 4');
    expect(result.code).toBe(4);
    expect(server.resizes.get(pod)).toContainEqual({ width: 101, height: 31 });
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('killing kubectl ends the process in the pod', async () => {
    const pod = podName('teardown', combo);
    const pidFile = path.join(workDir, `${pod}.pid`);
    const child = startKubectl(kubectl(), ['exec', pod, '--', 'sh', '-c', `echo $$ > ${pidFile}; echo started; exec sleep 60`]);
    const done = collect(child, null);
    await new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve()));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    await done;
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('a failure of start() is printed by kubectl', async () => {
    const pod = `broken-${podName('exec', combo)}`;
    const result = await runKubectl(kubectl(), ['exec', pod, '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`container "app" in pod "${pod}" is waiting to start: ContainerCreating`);
  });

  test.concurrent('attach -i streams stdin to the process and back', async () => {
    const pod = podName('attach', combo);
    const result = await runKubectl(kubectl(), ['attach', '-i', pod], 'attached-input\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('attached-input\n');
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('attach -it talks to the process through a terminal', async () => {
    const pod = podName('attach-tty', combo);
    const result = await runKubectlInTerminal(kubectl(), ['attach', '-it', pod], 'typed-line\n', { cols: 90, rows: 20 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('got:typed-line');
    // kubectl's attach first sends the size plus one, then the real size, to force a redraw.
    expect(result.stdout).toMatch(/size:(91x21|90x20)/);
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('run -it --rm attaches to the new pod, then deletes it', async () => {
    const pod = podName('run', combo);
    const result = await runKubectlInTerminal(kubectl(), ['run', '-it', '--rm', pod, '--image=busybox', '--', 'sh'], 'from-run\n', { cols: 80, rows: 24 });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('got:from-run');
    expect(result.stdout).toContain(`pod "${pod}" deleted`);
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('cp copies a file into the pod (tar through exec stdin)', async () => {
    const pod = podName('cp-in', combo);
    const local = mkdtempSync(path.join(root, 'cp-in-'));
    const content = randomBytes(200 << 10);
    writeFileSync(path.join(local, 'upload.bin'), content);
    const targetDir = path.join(workDir, pod);
    mkdirSync(targetDir);
    const result = await runKubectl(kubectl(), ['cp', 'upload.bin', `${pod}:${targetDir}/uploaded.bin`], null, { cwd: local });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(targetDir, 'uploaded.bin')).equals(content)).toBe(true);
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('cp copies a file out of the pod (tar through exec stdout)', async () => {
    const pod = podName('cp-out', combo);
    const local = mkdtempSync(path.join(root, 'cp-out-'));
    const result = await runKubectl(kubectl(), ['cp', `${pod}:${workDir}/${sourceFile.name}`, 'downloaded.bin'], null, { cwd: local });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(local, 'downloaded.bin')).equals(sourceFile.bytes)).toBe(true);
    expectProtocol(pod, combo.protocol);
  });
});

/** Sends `payload` through a local port and resolves with everything echoed back. */
/**
 * Sends `payload` through the forwarded port and collects what comes back until the connection
 * closes. With `resetCloses`, a reset counts as that close: kubectl closes a connection whose
 * forwarding failed, and when it has not read our bytes yet the kernel sends RST, not FIN
 * (which of the two depends only on timing).
 */
function echoThrough(port: number, payload: Buffer, { resetCloses = false } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (resetCloses && error.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks)) : reject(error)));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.end(payload);
  });
}

async function startPortForward(context: KubectlContext, pod: string) {
  const child = startKubectl(context, ['port-forward', '--address', '127.0.0.1', `pod/${pod}`, ':8080']);
  const output = collect(child, null, 60_000);
  const localPort = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('close', () => reject(new Error(`port-forward exited early: ${seen}`)));
  });
  return { child, output, localPort };
}

describe.each(PORT_FORWARD_COMBOS)('kubectl $version port-forward over $protocol', (combo) => {
  test.concurrent('carries bytes both ways, for several connections', async () => {
    const pod = podName('pf', combo);
    const { child, output, localPort } = await startPortForward(contextFor(combo), pod);
    try {
      expect((await echoThrough(localPort, Buffer.from('ping\n'))).toString()).toBe('ping\n');
      const large = randomBytes(1 << 20);
      expect((await echoThrough(localPort, large)).equals(large)).toBe(true);
      expect((await echoThrough(localPort, Buffer.from('third'))).toString()).toBe('third');
    } finally {
      child.kill('SIGTERM');
    }
    await output;
    expectProtocol(pod, combo.protocol);
  });

  test.concurrent('reports a failure of connect() on the error stream', async () => {
    const pod = `broken-${podName('pf', combo)}`;
    const { child, output, localPort } = await startPortForward(contextFor(combo), pod);
    try {
      expect((await echoThrough(localPort, Buffer.from('x'), { resetCloses: true })).length).toBe(0);
    } finally {
      setTimeout(() => child.kill('SIGTERM'), 500);
    }
    const result = await output;
    // kubectl logs the message quoted, so its own quotes may come back escaped.
    expect(result.stderr.replace(/\\"/g, '"')).toContain(`error forwarding port 8080 to pod: container "app" in pod "${pod}" is waiting to start: ContainerCreating`);
  });
});
