// The compatibility proof: every kubectl version 1.27 … 1.33 runs the commands of a Pods course
// against its own virtual cluster (all clusters in one embedded host, over TLS with bearer
// tokens), versions in parallel. Prints a command × version matrix; every cell must pass.
// Pods are run by the test-double kubelet (compat/test-kubelet.ts).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedClusterHost } from '../../host-contract.js';
import { createEmbeddedClusterHost } from '../../host.js';
import { CASES, CaseFailure } from './cases.js';
import { Kubectl, VERSIONS, type Version } from './kubectl.js';
import { testKubeletFactory } from './test-kubelet.js';

type Cell = { ok: true; ms: number } | { ok: false; note: string };
const results = new Map<string, Map<Version, Cell>>();
let host: EmbeddedClusterHost;
let backend: Server;
let dir: string;

async function runVersion(version: Version): Promise<void> {
  const cluster = await host.createCluster(`k${version.replace('.', '-')}`);
  const vdir = path.join(dir, version);
  mkdirSync(vdir, { recursive: true });
  const kubeconfig = path.join(vdir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig());
  const k = new Kubectl(version, kubeconfig, path.join(vdir, 'cache'));
  for (const c of CASES) {
    const started = Date.now();
    let cell: Cell;
    try {
      await c.run({ k, dir: vdir });
      cell = { ok: true, ms: Date.now() - started };
    } catch (e) {
      cell = { ok: false, note: e instanceof CaseFailure ? e.message : String(e) };
    }
    if (!results.has(c.id)) results.set(c.id, new Map());
    results.get(c.id)?.set(version, cell);
  }
}

function matrix(): string {
  const width = Math.max(...CASES.map((c) => c.id.length));
  const lines = [`${'command'.padEnd(width)}  ${VERSIONS.map((v) => v.padEnd(5)).join(' ')}`];
  for (const c of CASES) {
    const row = VERSIONS.map((v) => {
      const cell = results.get(c.id)?.get(v);
      return (cell === undefined ? '-' : cell.ok ? 'ok' : 'FAIL').padEnd(5);
    });
    lines.push(`${c.id.padEnd(width)}  ${row.join(' ')}`);
  }
  const failures = CASES.flatMap((c) =>
    VERSIONS.flatMap((v) => {
      const cell = results.get(c.id)?.get(v);
      return cell && !cell.ok ? [`  ${c.id} @ ${v}: ${cell.note}`] : [];
    }),
  );
  return [...lines, ...(failures.length ? ['failures:', ...failures] : [])].join('\n');
}

describe('kubectl 1.27–1.33 against the embedded API server', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-compat-'));
    // What every port-forward of the test kubelet reaches: a tiny HTTP server on 127.0.0.1.
    backend = createServer((_req, res) => res.end('through the tunnel'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const forwardTo = (backend.address() as AddressInfo).port;
    host = createEmbeddedClusterHost({ stateDir: path.join(dir, 'state'), port: 0, kubeletFactory: testKubeletFactory({ forwardTo }) });
    await host.start();
    await Promise.all(VERSIONS.map((v) => runVersion(v)));
    console.log(`\ncommand × kubectl version\n${matrix()}\n`);
  }, 540_000);

  afterAll(async () => {
    await host?.stop();
    backend?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => c.id))('%s', (id) => {
    const failed = VERSIONS.flatMap((v) => {
      const cell = results.get(id)?.get(v);
      return cell?.ok ? [] : [`${v}: ${cell ? (cell.ok ? '' : cell.note) : 'not run'}`];
    });
    expect(failed).toEqual([]);
  });
});
