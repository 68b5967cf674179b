import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarStream } from './tar-writer.js';
import { CONTENT_HASH_LABEL, IMAGES, IMAGE_LABEL, LOCAL_IMAGE_NAMES, builtImageId, ensureImages, normalizeImageReference, platformImageFor, platformImageId } from './index.js';
import { busyboxRecipe, pauseRecipe, toolboxRecipe } from './recipes.js';

const docker = new Dockerode();
const runId = `images-test-${randomUUID().slice(0, 8)}`;

/** Runs a short-lived container (no network) and returns its exit code and output. */
async function run(image: string, cmd: string[], opts: { entrypoint?: string[]; binds?: string[] } = {}) {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    ...(opts.entrypoint ? { Entrypoint: opts.entrypoint } : {}),
    Labels: { 'io.kubelab.managed': 'true', 'io.kubelab.test': runId },
    HostConfig: { NetworkMode: 'none', Binds: opts.binds ?? [] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    return { code: StatusCode, output: demux(logs) };
  } finally {
    await container.remove({ force: true });
  }
}

function demux(buffer: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    out += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return out;
}

describe('local images', () => {
  beforeAll(async () => {
    await ensureImages(docker);
  }, 180_000);

  afterAll(async () => {
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.test=${runId}`] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });

  it('every name a Pod may use runs a platform image, and a second ensureImages only inspects', async () => {
    const before = new Map<string, string>();
    for (const ref of Object.values(IMAGES)) {
      const info = await docker.getImage(ref).inspect();
      expect(info.Config.Labels?.[CONTENT_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
      expect(info.Config.Labels?.[IMAGE_LABEL]).toBe(ref);
      before.set(ref, info.Id);
    }
    for (const name of LOCAL_IMAGE_NAMES) {
      const platform = platformImageFor(normalizeImageReference(name));
      expect(platform, name).toBeDefined();
      expect(await platformImageId(docker, normalizeImageReference(name))).toBe(before.get(platform ?? ''));
    }
    expect(platformImageFor(normalizeImageReference('busybox:1.36'))).toBe(IMAGES.busybox);
    expect(platformImageFor(normalizeImageReference('registry.k8s.io/pause:3.9'))).toBe(IMAGES.pause);
    const logged: string[] = [];
    await ensureImages(docker, (message) => logged.push(message));
    // Nothing rebuilt: no build logged, and every reference still names the very same image.
    expect(logged).toEqual([]);
    for (const [ref, id] of before) expect((await docker.getImage(ref).inspect()).Id).toBe(id);
  });

  it('tags nothing outside the platform repository, so no one else\'s busybox or pause is shadowed', async () => {
    for (const recipe of [await pauseRecipe(), await busyboxRecipe(), await toolboxRecipe()]) {
      for (const ref of [recipe.reference, ...recipe.aliases]) expect(ref).toMatch(/^localhost\/kubelab\//);
    }
  });

  it('does not accept a foreign image, whatever its name: only the platform label makes a sandbox image', async () => {
    // Foreign images under names no one else uses stand in for a learner-made `busybox` on a
    // shared engine: one without labels, one with a forged label naming another image, and the
    // same bytes labelled as the platform labels (accepted: the label is what is checked).
    const repo = `localhost/kubelab-test/${runId}`;
    const variants: [string, string[]][] = [
      ['plain', []],
      ['forged', [`LABEL ${IMAGE_LABEL}=${IMAGES.busybox}`, `LABEL ${CONTENT_HASH_LABEL}=${'a'.repeat(64)}`]],
      ['labelled', [`LABEL ${IMAGE_LABEL}=${repo}:labelled`, `LABEL ${CONTENT_HASH_LABEL}=${'a'.repeat(64)}`]],
    ];
    try {
      const ids = new Map<string, string | undefined>();
      for (const [tag, changes] of variants) {
        const stream = await docker.importImage(tarStream([{ type: 'file', path: 'x', mode: 0o644, content: Buffer.from(tag) }]), { repo, tag, changes });
        for await (const chunk of stream) void chunk;
        // Podman's import tags <repo>:latest whatever tag is asked for.
        const id = (await docker.getImage(`${repo}:latest`).inspect()).Id;
        await docker.getImage(id).tag({ repo, tag });
        ids.set(tag, await builtImageId(docker, `${repo}:${tag}`));
      }
      expect(ids.get('plain')).toBeUndefined();
      expect(ids.get('forged')).toBeUndefined();
      expect(ids.get('labelled')).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
      expect(platformImageFor(`${repo}:labelled`)).toBeUndefined();
      expect(await platformImageId(docker, `${repo}:labelled`)).toBeUndefined();
      expect(await platformImageId(docker, normalizeImageReference('nginx'))).toBeUndefined();
    } finally {
      for (const tag of ['latest', ...variants.map(([t]) => t)]) await docker.getImage(`${repo}:${tag}`).remove({ force: true }).catch(() => undefined);
    }
  });

  it('normalises references like the Docker CLI', () => {
    expect(normalizeImageReference('busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImageReference('busybox:1.36')).toBe('docker.io/library/busybox:1.36');
    expect(normalizeImageReference('library/busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImageReference('docker.io/busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizeImageReference('nginx/nginx:1')).toBe('docker.io/nginx/nginx:1');
    expect(normalizeImageReference('registry.k8s.io/pause:3.9')).toBe('registry.k8s.io/pause:3.9');
    expect(normalizeImageReference('localhost:5000/x')).toBe('localhost:5000/x:latest');
    expect(() => normalizeImageReference('bad name')).toThrow(/invalid image reference/);
  });

  it('busybox runs sh', async () => {
    expect(await run(IMAGES.busybox, ['sh', '-c', 'echo ok; tar --help 2>&1 | head -1 >/dev/null && echo tar'])).toEqual({ code: 0, output: 'ok\ntar\n' });
  });

  it('pause waits as PID 1', async () => {
    const container = await docker.createContainer({
      Image: IMAGES.pause,
      Labels: { 'io.kubelab.managed': 'true', 'io.kubelab.test': runId },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    await new Promise((r) => setTimeout(r, 300));
    expect((await container.inspect()).State.Running).toBe(true);
    await container.remove({ force: true });
  });

  it('toolbox has bash, kubectl, vi, less and socat, completion for k, and the prompt', async () => {
    const script = [
      'kubectl version --client >/dev/null && echo kubectl',
      'vi --help >/dev/null 2>&1; command -v vi',
      'echo hi | less',
      'socat -V >/dev/null && echo socat',
      'complete -p k',
      'echo "$HOME $TERM"',
      'KUBELAB_SANDBOX=sb-1; echo "${PS1@P}" | tr -d "\\001\\002" | sed "s/$(printf "\\033")\\[[0-9;]*m//g"',
      'kubectl config view -o jsonpath="{.clusters[0].cluster.server}"',
    ].join('\n');
    const result = await run(IMAGES.toolbox, ['-il', '-c', script], { entrypoint: ['/bin/bash'] });
    expect(result.code).toBe(0);
    expect(result.output).toContain('kubectl\n/bin/vi\nhi\nsocat\ncomplete -o default -F __start_kubectl k\n/root xterm-256color\n[sb-1] ~ $ \nhttp://127.0.0.1:6443');
  });

  describe('toolbox API bridge', () => {
    let dir: string;
    let server: Server;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubelab-images-'));
      server = createServer((req, res) => res.end(`api saw ${req.method} ${req.url}`));
      await new Promise<void>((r) => server.listen(join(dir, 'api.sock'), r));
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    });

    it('forwards 127.0.0.1:6443 in the container to the mounted socket', async () => {
      const container = await docker.createContainer({
        Image: IMAGES.toolbox,
        Labels: { 'io.kubelab.managed': 'true', 'io.kubelab.test': runId },
        HostConfig: { NetworkMode: 'none', Binds: [`${join(dir, 'api.sock')}:/run/kubelab/api.sock`] },
      });
      await container.start();
      try {
        const exec = await container.exec({ Cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:6443/version && exit 0; sleep 0.2; done; exit 1'], AttachStdout: true, AttachStderr: true });
        const stream = await exec.start({});
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        expect(demux(Buffer.concat(chunks))).toBe('api saw GET /version');
      } finally {
        await container.remove({ force: true });
      }
    });
  });
});
