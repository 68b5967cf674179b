// The contract every Provider must pass (one suite, run by each provider's test file, as
// virtual-kubelet runs one end-to-end suite against every backend). Each case also checks
// that nothing is left behind.

import { expect, it } from 'vitest';
import type { Provider } from '../provider.js';

export interface ProviderHarness {
  /** A started provider on the harness's state. */
  start(): Promise<Provider>;
  /** A provider whose creates fail after the cluster exists (the toolbox cannot start). */
  startFailing(): Promise<Provider>;
  /** Engine and host resources that still exist for sandbox `id` (containers, cluster state). */
  leftovers(id: string): Promise<string[]>;
  /** A fresh sandbox id for this run. */
  newId(): string;
}

/** Waits for a real container's shell output: generous on a busy engine (speed is the bench's job). */
async function readAll(session: { output: NodeJS.ReadableStream }, until: RegExp, timeoutMs = 30_000): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${until} in ${JSON.stringify(text.slice(-500))}`)), timeoutMs);
    session.output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

export function providerContract(harness: ProviderHarness): void {
  it('creates a sandbox whose toolbox kubectl reaches its own cluster; get, exec and logs work', async () => {
    const provider = await harness.start();
    const id = harness.newId();
    const endpoint = await provider.create(id, { label: id });
    try {
      expect(endpoint.id).toBe(id);
      expect(endpoint.kubeconfig).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
      expect((await provider.get(id))?.kubeconfig).toBe(endpoint.kubeconfig);
      expect(await provider.list()).toContain(id);
      const pods = await provider.exec(id, ['kubectl', 'get', 'pods']);
      expect(pods.exitCode).toBe(0);
      expect(pods.stderr).toMatch(/No resources found in default namespace/);
      const failing = await provider.exec(id, ['sh', '-c', 'echo oops >&2; exit 4']);
      expect(failing).toMatchObject({ exitCode: 4, stderr: 'oops\n' });
      expect(typeof (await provider.logs(id, { tailLines: 10 }))).toBe('string');
      await provider.writeNodeFile(id, '/etc/motd', 'hello node\n');
      expect(await provider.readNodeFile(id, '/etc/motd')).toBe('hello node\n');
      expect(await provider.readNodeFile(id, '/nope')).toBeUndefined();
    } finally {
      await provider.delete(id);
    }
  });

  it('opens a shell on a TTY with the sandbox prompt', async () => {
    const provider = await harness.start();
    const id = harness.newId();
    await provider.create(id, { label: id });
    try {
      const session = await provider.shell(id, { cols: 90, rows: 20 });
      const prompt = readAll(session, new RegExp(`\\[${id}\\]`));
      await prompt;
      const answer = readAll(session, /20 90/);
      session.write('stty size\r');
      await answer;
      session.close();
      await session.ended;
    } finally {
      await provider.delete(id);
    }
  });

  it('deletes idempotently and leaves nothing behind', async () => {
    const provider = await harness.start();
    const id = harness.newId();
    await provider.create(id, { label: id });
    await provider.exec(id, ['kubectl', 'run', 'p', '--image=busybox', '--', 'sleep', '3600']);
    await provider.delete(id);
    await provider.delete(id);
    await provider.delete(harness.newId());
    expect(await provider.get(id)).toBeUndefined();
    expect(await provider.list()).not.toContain(id);
    expect(await harness.leftovers(id)).toEqual([]);
  });

  it('lists a sandbox after a restart, with its objects, and its toolbox still reaches the cluster', async () => {
    const first = await harness.start();
    const id = harness.newId();
    await first.create(id, { label: id });
    await first.exec(id, ['kubectl', 'create', 'configmap', 'kept', '--from-literal=a=b']);
    await first.stop();
    await first.stop();
    const second = await harness.start();
    try {
      expect(await second.list()).toContain(id);
      const got = await second.exec(id, ['kubectl', 'get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
      expect(got).toMatchObject({ exitCode: 0, stdout: 'b' });
    } finally {
      await second.delete(id);
    }
    expect(await harness.leftovers(id)).toEqual([]);
  });

  it('rolls back a create that fails midway, and one that is aborted', async () => {
    const failing = await harness.startFailing();
    const id = harness.newId();
    await expect(failing.create(id)).rejects.toMatchObject({ name: 'ProviderError', code: 'create_failed' });
    expect(await failing.list()).not.toContain(id);
    expect(await harness.leftovers(id)).toEqual([]);

    const provider = await harness.start();
    const aborted = harness.newId();
    const controller = new AbortController();
    const creating = provider.create(aborted, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(creating).rejects.toMatchObject({ code: 'aborted' });
    expect(await provider.list()).not.toContain(aborted);
    expect(await harness.leftovers(aborted)).toEqual([]);
  });
}
