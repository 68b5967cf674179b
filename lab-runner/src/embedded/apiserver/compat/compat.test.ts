// The compatibility proof, API half: every kubectl version 1.27 … 1.33 runs the API commands of
// a Pods course (testing/api-cases.ts) against its own virtual cluster (all clusters in one
// embedded host, over TLS with bearer tokens), versions in parallel. Pods there are reported by
// the stand-in kubelet (testing/stand-in-kubelet.ts), because those cases check what the API
// server prints and a real kubelet would make it depend on timing (api-cases.ts says where).
// The cases that need running containers are in real-kubelet.test.ts, for every version too.
// Prints a command × version matrix; every cell must pass.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedClusterHost } from '../../host-contract.js';
import { createEmbeddedClusterHost } from '../../host.js';
import { API_CASES } from './testing/api-cases.js';
import { VERSIONS } from './testing/kubectl.js';
import { CaseMatrix } from './testing/matrix.js';
import { standInKubeletFactory } from './testing/stand-in-kubelet.js';

const matrix = new CaseMatrix(API_CASES, VERSIONS);
let host: EmbeddedClusterHost;
let dir: string;

describe('kubectl 1.27–1.33 against the embedded API server', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-compat-'));
    host = createEmbeddedClusterHost({ stateDir: path.join(dir, 'state'), port: 0, kubeletFactory: standInKubeletFactory });
    await host.start();
    await Promise.all(VERSIONS.map((v) => matrix.runVersion(host, `k${v.replace('.', '-')}`, v, dir)));
    console.log(`\ncommand × kubectl version\n${matrix}\n`);
  }, 540_000);

  afterAll(async () => {
    await host?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(API_CASES.map((c) => c.id))('%s', (id) => {
    expect(matrix.failures(id)).toEqual([]);
  });
});
