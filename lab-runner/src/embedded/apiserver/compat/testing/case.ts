// One case of the compatibility suite: kubectl commands and what a real cluster prints for
// them. A case throws CaseFailure with a short note when the output differs.

import type { Kubectl, KubectlResult } from './kubectl.js';

export class CaseFailure extends Error {}

export interface CaseContext {
  k: Kubectl;
  dir: string;
}

export interface Case {
  id: string;
  run(ctx: CaseContext): Promise<void>;
}

const flat = (s: string) => s.trim().slice(0, 500).replace(/\n/g, '⏎');
export const show = (r: KubectlResult) => `kubectl ${r.args.join(' ')}: exit ${r.code}; stdout: ${flat(r.stdout)}; stderr: ${flat(r.stderr)}`;

export function ok(r: KubectlResult, ...patterns: (RegExp | string)[]): KubectlResult {
  if (r.code !== 0) throw new CaseFailure(show(r));
  for (const p of patterns) {
    const hit = typeof p === 'string' ? r.stdout.includes(p) : p.test(r.stdout);
    if (!hit) throw new CaseFailure(`expected ${String(p)} in output; ${show(r)}`);
  }
  return r;
}

export function fails(r: KubectlResult, ...patterns: (RegExp | string)[]): KubectlResult {
  if (r.code === 0) throw new CaseFailure(`expected failure; ${show(r)}`);
  for (const p of patterns) {
    const hit = typeof p === 'string' ? r.stderr.includes(p) : p.test(r.stderr);
    if (!hit) throw new CaseFailure(`expected ${String(p)} on stderr; ${show(r)}`);
  }
  return r;
}
