// The toolbox container on the real engine (Podman's Docker API, or the Docker Engine when
// DOCKER_HOST points at it) with the real toolbox image.
// The API socket here is a plain HTTP server on a unix socket: the point is the container
// (isolation, limits, labels, bridge, exec, TTY), not the cluster behind it.

import { randomUUID } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineSocket } from '../../engine-check.js';
import { IMAGES, ensureImages } from '../../images/index.js';
import { LABEL_SANDBOX, Toolboxes } from './toolbox.js';

const RUN = randomUUID().slice(0, 8);
const docker = new Dockerode({ socketPath: engineSocket() });
const toolboxes = new Toolboxes(docker, {
  image: IMAGES.toolbox,
  limits: { memoryBytes: 128 * 1024 * 1024, pids: 128, cpus: 0.5 },
  labels: { 'io.kubelab.test-run': RUN },
});
const id = `tbtest-${RUN}`;
let dir: string;
let server: Server;

/** A stand-in API socket, connectable by the toolbox's root (an unprivileged host uid under a user namespace), as SocketRelays makes it. */
function serve(socketPath: string): Promise<Server> {
  const s = createServer((_req, res) => res.end('api-ok'));
  return new Promise((resolve) =>
    s.listen(socketPath, () => {
      chmodSync(socketPath, 0o666);
      resolve(s);
    }),
  );
}

beforeAll(async () => {
  await ensureImages(docker);
  dir = await mkdtemp(path.join(tmpdir(), 'kubelab-tb-'));
  await mkdir(path.join(dir, 'sock'));
  server = await serve(path.join(dir, 'sock', 'api.sock'));
  await toolboxes.create(id, { hostPath: path.join(dir, 'sock'), containerPath: '/run/kubelab' }, 'my-sandbox');
});

afterAll(async () => {
  // The toolbox, then its user-namespace holder (the engine keeps a holder others join).
  await toolboxes.remove(id);
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.test-run=${RUN}`] } });
  await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Toolboxes', () => {
  it('creates a labelled, limited container without network', async () => {
    const [info] = await docker.listContainers({ filters: { label: [`${LABEL_SANDBOX}=${id}`, 'io.kubelab.role=toolbox'] } });
    expect(info?.Labels).toMatchObject({ 'io.kubelab.managed': 'true', 'io.kubelab.role': 'toolbox', [LABEL_SANDBOX]: id });
    const inspect = await docker.getContainer(info?.Id ?? '').inspect();
    expect(inspect.HostConfig.NetworkMode).toBe('none');
    expect(inspect.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(inspect.HostConfig.PidsLimit).toBe(128);
    const interfaces = await toolboxes.exec(id, ['sh', '-c', "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"]);
    expect(interfaces.stdout.trim()).toBe('lo');
  });

  it('bridges 127.0.0.1:6443 to the API socket, also after the socket is re-created', async () => {
    const first = await toolboxes.exec(id, ['wget', '-qO-', 'http://127.0.0.1:6443/']);
    expect(first.stdout).toBe('api-ok');
    await new Promise((resolve) => server.close(resolve));
    await rm(path.join(dir, 'sock', 'api.sock'), { force: true });
    server = await serve(path.join(dir, 'sock', 'api.sock'));
    const second = await toolboxes.exec(id, ['wget', '-qO-', 'http://127.0.0.1:6443/']);
    expect(second.stdout).toBe('api-ok');
  });

  it('runs commands with their exit code and output, and has kubectl', async () => {
    const result = await toolboxes.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    const kubectl = await toolboxes.exec(id, ['kubectl', 'version', '--client']);
    expect(kubectl.stdout).toMatch(/Client Version: v1\./);
    await expect(toolboxes.exec(id, ['sleep', '5'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('opens a login shell on a TTY with the sandbox prompt, resizes it, and leaves nothing behind', { timeout: 120_000 }, async () => {
    const session = await toolboxes.shell(id, { cols: 100, rows: 30 });
    let ended = false;
    void session.ended.then(() => (ended = true));
    try {
      let output = '';
      session.output.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // A login shell in a real container: each wait lasts until the output shows or the shell
      // ends (the test's timeout is the budget; speed is the bench's job).
      const waitFor = async (pattern: RegExp) => {
        while (!pattern.test(output)) {
          if (ended) throw new Error(`the shell ended before ${pattern}: ${JSON.stringify(output)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await waitFor(/\[my-sandbox\].* \$ $/);
      session.write('stty size; type k\r');
      await waitFor(/30 100/);
      await waitFor(/k is aliased to `kubectl'\r\n.*\$ $/s);
      await session.resize(120, 40);
      session.write('stty size\r');
      await waitFor(/40 120/);
    } finally {
      session.close();
    }
    session.close();
    await session.ended;
    // The hang-up is an engine call (exec inspect) and then a signal: the connection may be
    // gone before bash is. A bash that never goes still fails here.
    let ps = await toolboxes.exec(id, ['ps', '-o', 'args']);
    while (/bash -l/.test(ps.stdout)) {
      await new Promise((r) => setTimeout(r, 200));
      ps = await toolboxes.exec(id, ['ps', '-o', 'args']);
    }
    expect(ps.stdout).not.toMatch(/bash -l/);
  });

  it('removes the toolbox, and removing it again is fine', async () => {
    await toolboxes.remove(id);
    await toolboxes.remove(id);
    expect(await toolboxes.running(id)).toBe(false);
  });
});
