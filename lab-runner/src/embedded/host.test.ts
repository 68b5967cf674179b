import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { createEmbeddedClusterHost } from './host.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cluster host operator log', () => {
  it('reports a damaged cluster as one structured error line and still serves', async () => {
    const stateDir = mkdtempSync(join(os.tmpdir(), 'kubelab-host-'));
    dirs.push(stateDir);
    mkdirSync(join(stateDir, 'clusters', 'broken'), { recursive: true });
    writeFileSync(join(stateDir, 'clusters', 'broken', 'cluster.json'), '{ not json');
    const lines: string[] = [];
    const host = createEmbeddedClusterHost({
      stateDir,
      port: 0,
      storage: 'memory',
      kubeletFactory: null,
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }, { component: 'cluster-host' }),
    });
    await host.start();
    try {
      expect(host.port).toBeGreaterThan(0);
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'error', event: 'cluster_load_failed', code: 'CLUSTER_LOAD_FAILED', cluster: 'broken', component: 'cluster-host', error: expect.objectContaining({ name: 'SyntaxError' }) }),
      ]);
    } finally {
      await host.stop();
    }
  });
});
