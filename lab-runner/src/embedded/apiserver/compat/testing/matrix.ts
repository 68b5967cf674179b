// Runs a list of cases with one kubectl version against its own virtual cluster, and shows
// the outcome of every case and version as a command × version matrix.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedClusterHost } from '../../../host-contract.js';
import { CaseFailure, type Case } from './case.js';
import { Kubectl, type Version } from './kubectl.js';

type Cell = { ok: true } | { ok: false; note: string };

export class CaseMatrix {
  private readonly cells = new Map<string, Map<Version, Cell>>();

  constructor(
    private readonly cases: Case[],
    private readonly versions: readonly Version[],
  ) {}

  /** Creates the version's cluster and kubeconfig below `dir`, then runs every case in order. */
  async runVersion(host: EmbeddedClusterHost, clusterId: string, version: Version, dir: string): Promise<void> {
    const cluster = await host.createCluster(clusterId);
    const vdir = path.join(dir, version);
    mkdirSync(vdir, { recursive: true });
    const kubeconfig = path.join(vdir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig());
    const k = new Kubectl(version, kubeconfig, path.join(vdir, 'cache'));
    for (const c of this.cases) {
      let cell: Cell;
      try {
        await c.run({ k, dir: vdir });
        cell = { ok: true };
      } catch (e) {
        cell = { ok: false, note: e instanceof CaseFailure ? e.message : String(e) };
      }
      if (!this.cells.has(c.id)) this.cells.set(c.id, new Map());
      this.cells.get(c.id)?.set(version, cell);
    }
  }

  /** The versions a case failed with (or never ran with), each with its note. */
  failures(id: string): string[] {
    return this.versions.flatMap((v) => {
      const cell = this.cells.get(id)?.get(v);
      return cell?.ok ? [] : [`${v}: ${cell ? (cell.ok ? '' : cell.note) : 'not run'}`];
    });
  }

  toString(): string {
    const width = Math.max(...this.cases.map((c) => c.id.length));
    const lines = [`${'command'.padEnd(width)}  ${this.versions.map((v) => v.padEnd(5)).join(' ')}`];
    for (const c of this.cases) {
      const row = this.versions.map((v) => {
        const cell = this.cells.get(c.id)?.get(v);
        return (cell === undefined ? '-' : cell.ok ? 'ok' : 'FAIL').padEnd(5);
      });
      lines.push(`${c.id.padEnd(width)}  ${row.join(' ')}`);
    }
    const failures = this.cases.flatMap((c) =>
      this.versions.flatMap((v) => {
        const cell = this.cells.get(c.id)?.get(v);
        return cell && !cell.ok ? [`  ${c.id} @ ${v}: ${cell.note}`] : [];
      }),
    );
    return [...lines, ...(failures.length ? ['failures:', ...failures] : [])].join('\n');
  }
}
