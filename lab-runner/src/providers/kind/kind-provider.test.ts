// The provider contract and the kind provider's own failure cases, on the Docker Engine with
// the kind stand-in (testing/bin/kind: real node containers serving the embedded cluster,
// real Pods, real kubectl). KUBELAB_TEST_KIND=1 runs the same suite with the real `kind`
// on PATH (or KIND_PATH) and its default node image, where one exists.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.js';
import { providerContract } from '../testing/contract.js';
import type { Provider } from '../provider.js';
import { createKindProvider, kindCapacity, type KindProviderConfig } from './index.js';
import { IMAGES } from '../../images/index.js';
import { installIdentity, LABEL_INSTALL } from '../embedded/install-identity.js';
import { toolboxLabels, toolboxName } from '../embedded/toolbox.js';
import { KIND_LABEL_CLUSTER } from './kind-labels.js';
import { REAL_KIND, suiteTarget } from './testing/suite-target.js';

const { socket: SOCKET, kindPath, skipReason } = await suiteTarget();
const RUN = randomUUID().slice(0, 6);
const PREFIX = `kc${RUN}-`;
const docker = new Dockerode({ socketPath: SOCKET });
const limits = { memoryBytes: 256 * 1024 * 1024, pids: 256, cpus: 1 };

let stateDir: string;
let standinDir: string;
let counter = 0;
const started: Provider[] = [];

function make(extra: Partial<KindProviderConfig> = {}): Provider {
  const provider = createKindProvider(
    {
      stateDir,
      dockerSocketPath: SOCKET,
      toolbox: limits,
      idPrefix: PREFIX,
      labels: { 'io.kubelab.test-run': RUN },
      ...(kindPath ? { kindPath } : {}),
      ...(REAL_KIND ? {} : { kindEnv: { KIND_STANDIN_STATE_DIR: standinDir } }),
      ...extra,
    },
    silentLogger,
  );
  started.push(provider);
  return provider;
}

async function startedProvider(extra: Partial<KindProviderConfig> = {}): Promise<Provider> {
  const provider = make(extra);
  await provider.start();
  return provider;
}

async function leftovers(id: string): Promise<string[]> {
  const nodes = await docker.listContainers({ all: true, filters: { label: [`${KIND_LABEL_CLUSTER}=${id}`] } });
  const toolboxes = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.sandbox=${id}`] } });
  const pods = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${id}`] } });
  const found = [...nodes, ...toolboxes, ...pods].map((c) => `container ${c.Names[0] ?? c.Id}`);
  if (existsSync(path.join(stateDir, 'kind', 'kubeconfigs', id))) found.push(`kubeconfig of ${id}`);
  if (!REAL_KIND && existsSync(path.join(standinDir, id))) found.push(`node directory of ${id}`);
  return [...new Set(found)];
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-'));
  standinDir = await mkdtemp(path.join(tmpdir(), 'kubelab-kind-nodes-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  if (skipReason) return;
  const cleanup = make();
  await cleanup.removeOrphans(new Set());
  await rm(stateDir, { recursive: true, force: true });
  await rm(standinDir, { recursive: true, force: true });
});

describe.skipIf(skipReason)(`kind provider contract (${REAL_KIND ? 'real kind' : 'kind stand-in'} on the Docker Engine)`, () => {
  providerContract({
    start: () => startedProvider(),
    startFailing: () => startedProvider({ toolboxImage: 'localhost/kubelab/no-such-toolbox:0' }),
    newId: () => `${PREFIX}${++counter}`,
    leftovers,
  });
});

describe.skipIf(skipReason)('kind provider failures and recovery', () => {
  it('says so when there is no kind binary', async () => {
    const provider = make({ kindPath: path.join(stateDir, 'no-such-kind') });
    await expect(provider.start()).rejects.toMatchObject({ code: 'engine_failed', message: expect.stringMatching(/needs the kind CLI: KIND_PATH=.*no-such-kind is not an executable file/) });
  });

  it('says so when no Docker Engine answers', async () => {
    const provider = make({ dockerSocketPath: path.join(stateDir, 'no-docker.sock') });
    await expect(provider.start()).rejects.toMatchObject({ code: 'engine_failed', message: expect.stringMatching(/no Docker Engine answers/) });
  });

  it('fails a create whose node image cannot be pulled, with kind\'s words, and leaves nothing', async () => {
    const provider = await startedProvider({ nodeImage: 'localhost/kubelab/no-such-node:0' });
    const id = `${PREFIX}${++counter}`;
    await expect(provider.create(id)).rejects.toMatchObject({
      code: 'create_failed',
      message: expect.stringMatching(/kind create cluster .* failed \(exit 1\): .*failed to pull image "localhost\/kubelab\/no-such-node:0"/),
    });
    expect(await provider.list()).not.toContain(id);
    expect(await leftovers(id)).toEqual([]);
  });

  it.skipIf(REAL_KIND)('fails a create whose node is never seen Ready (its API port leads nowhere), within the timeout, and leaves nothing', async () => {
    const provider = await startedProvider({ nodeReadyTimeoutMs: 3000, kindEnv: { KIND_STANDIN_STATE_DIR: standinDir, KIND_STANDIN_API: 'unreachable' } });
    const id = `${PREFIX}${++counter}`;
    const started = Date.now();
    await expect(provider.create(id)).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/node did not become Ready within 3 s \(the API server does not answer: /) });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await leftovers(id)).toEqual([]);
  });

  it('finds a sandbox again after a runner restart, and after an engine restart that stopped its containers', { timeout: 180_000 }, async () => {
    const first = await startedProvider();
    const id = `${PREFIX}${++counter}`;
    await first.create(id, { label: id });
    try {
      await first.writeNodeFile(id, '/var/log/app.log', 'kept\n');
      await first.stop();
      // As an engine restart leaves them: the toolbox, then the cluster's containers, stopped.
      await docker.getContainer(toolboxName(id)).stop({ t: 0 });
      for (const role of ['external-load-balancer', 'control-plane', 'network']) {
        for (const c of await docker.listContainers({ filters: { label: [`${KIND_LABEL_CLUSTER}=${id}`, `io.x-k8s.kind.role=${role}`] } })) await docker.getContainer(c.Id).stop({ t: 10 });
      }
      const second = await startedProvider();
      expect(await second.list()).toContain(id);
      expect((await second.exec(id, ['kubectl', 'get', 'nodes', '-o', 'name'])).stdout).toMatch(/^node\//);
      expect(await second.readNodeFile(id, '/var/log/app.log')).toBe('kept\n');
    } finally {
      await first.delete(id);
    }
    expect(await leftovers(id)).toEqual([]);
  });

  it('removes a labelled leftover: a cluster the runner no longer keeps and a toolbox whose cluster is gone', async () => {
    const provider = await startedProvider();
    const kept = `${PREFIX}${++counter}`;
    const orphan = `${PREFIX}${++counter}`;
    await provider.create(kept);
    await provider.create(orphan);
    try {
      // A toolbox whose cluster vanished behind the runner's back (deleted with kind by hand).
      const lonely = `${PREFIX}${++counter}`;
      const labels = toolboxLabels({ [LABEL_INSTALL]: installIdentity(stateDir) }, lonely);
      await docker.createContainer({ name: toolboxName(lonely), Image: IMAGES.toolbox, Labels: labels, HostConfig: { NetworkMode: 'none' } });
      const removed = await provider.removeOrphans(new Set([kept]));
      expect(removed.sort()).toEqual([orphan, lonely].sort());
      expect(await provider.list()).toContain(kept);
      expect(await leftovers(orphan)).toEqual([]);
      expect(await leftovers(lonely)).toEqual([]);
      expect((await provider.exec(kept, ['kubectl', 'get', 'ns', 'default', '-o', 'name'])).stdout).toBe('namespace/default\n');
    } finally {
      await provider.delete(kept);
      await provider.delete(orphan);
    }
  });
});

describe('kind capacity', () => {
  it('is bounded by the host\'s memory and CPUs, and at least one', () => {
    const gib = 1024 ** 3;
    const perSandbox = { sandboxMemoryBytes: gib, toolboxMemoryBytes: 256 * 1024 ** 2 };
    expect(kindCapacity(perSandbox, { memoryBytes: 16 * gib, cpus: 8 })).toBe(6);
    expect(kindCapacity(perSandbox, { memoryBytes: 64 * gib, cpus: 2 })).toBe(4);
    expect(kindCapacity(perSandbox, { memoryBytes: gib, cpus: 2 })).toBe(1);
  });
});
