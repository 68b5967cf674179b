// The compatibility proof, Pod half: the commands that need running containers
// (testing/pod-cases.ts), with the real kubelet running real containers on Podman (the
// embedded host's default), for every kubectl version 1.27 … 1.33: the API server and the
// kubelet together, as a learner meets them. Versions run in parallel, each in its own
// virtual cluster. Prints its own command × version matrix.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedClusterHost } from '../../host-contract.js';
import { createEmbeddedClusterHost } from '../../host.js';
import { kubectlPath, VERSIONS } from './testing/kubectl.js';
import { CaseMatrix } from './testing/matrix.js';
import { POD_CASES } from './testing/pod-cases.js';

if (!process.env['DOCKER_HOST'] && existsSync('/run/kubelab/podman.sock')) process.env['DOCKER_HOST'] = 'unix:///run/kubelab/podman.sock';

const matrix = new CaseMatrix(POD_CASES, VERSIONS);
let host: EmbeddedClusterHost;
let dir: string;
const runId = randomBytes(3).toString('hex');

describe('kubectl with the real kubelet (Podman)', () => {
  beforeAll(async () => {
    for (const v of VERSIONS) kubectlPath(v);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-real-'));
    host = createEmbeddedClusterHost({ stateDir: path.join(dir, 'state'), port: 0 });
    await host.start();
    await Promise.all(VERSIONS.map((v) => matrix.runVersion(host, `real-${runId}-${v.replace('.', '-')}`, v, dir)));
    console.log(`\nreal kubelet: command × kubectl version\n${matrix}\n`);
  }, 600_000);

  afterAll(async () => {
    if (host) {
      for (const c of host.listClusters()) await host.deleteCluster(c.id);
      await host.stop();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it.each(POD_CASES.map((c) => c.id))('%s', (id) => {
    expect(matrix.failures(id)).toEqual([]);
  });
});
