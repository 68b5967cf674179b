// The provider contract on the embedded provider: the real cluster host, the real engine
// (Podman, or the Docker Engine when DOCKER_HOST points at it), the real toolbox image and its kubectl.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { removalStage } from '../../embedded/kubelet/userns-holders.js';
import { engineSocket } from '../../engine-check.js';
import { silentLogger } from '../../log.js';
import { providerContract } from '../testing/contract.js';
import type { Provider } from '../provider.js';
import { createEmbeddedProvider } from './index.js';

const RUN = randomUUID().slice(0, 6);
const PREFIX = `pc${RUN}-`;
const SOCKET = engineSocket();
const docker = new Dockerode({ socketPath: SOCKET });
const limits = { memoryBytes: 256 * 1024 * 1024, pids: 256, cpus: 1 };
let stateDir: string;
const started: Provider[] = [];
let counter = 0;

function make(toolboxImage?: string): Provider {
  const provider = createEmbeddedProvider(
    { stateDir, dockerSocketPath: SOCKET, embeddedPort: 0, toolbox: limits, sandboxLimits: limits, idPrefix: PREFIX, labels: { 'io.kubelab.test-run': RUN }, ...(toolboxImage ? { toolboxImage } : {}) },
    silentLogger,
  );
  started.push(provider);
  return provider;
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'kubelab-pc-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  const all = await docker.listContainers({ all: true, filters: { label: ['io.kubelab.managed=true'] } });
  const mine = all.filter((c) => (c.Labels['io.kubelab.sandbox'] ?? c.Labels['io.kubelab.cluster'])?.startsWith(PREFIX));
  for (const stage of [0, 1, 2]) await Promise.all(mine.filter((c) => removalStage(c.Labels) === stage).map((c) => docker.getContainer(c.Id).remove({ force: true })));
  await rm(stateDir, { recursive: true, force: true });
});

describe('embedded provider contract', () => {
  providerContract({
    start: async () => {
      const provider = make();
      await provider.start();
      return provider;
    },
    startFailing: async () => {
      const provider = make('localhost/kubelab/no-such-toolbox:0');
      await provider.start();
      return provider;
    },
    newId: () => `${PREFIX}${++counter}`,
    leftovers: async (id) => {
      const pods = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.cluster=${id}`] } });
      const toolboxes = await docker.listContainers({ all: true, filters: { label: [`io.kubelab.sandbox=${id}`] } });
      const found = [...pods, ...toolboxes].map((c) => `container ${c.Names[0] ?? c.Id}`);
      if (existsSync(path.join(stateDir, 'host', 'clusters', id))) found.push(`cluster state of ${id}`);
      if (existsSync(path.join(stateDir, 'relays', id))) found.push(`relay of ${id}`);
      return found;
    },
  });
});
