// `npm run cluster -- --kubeconfig PATH`: one embedded cluster standalone on 127.0.0.1
// (API server and kubelet), its kubeconfig written to PATH, until SIGTERM or SIGINT.
//
// Options: --kubeconfig PATH (required), --state-dir DIR (default: a new temporary directory,
// removed on exit; give one to keep the cluster), --port N (default 0: any free port),
// --id NAME (default "dev"), --no-kubelet (API server only: Pods stay Pending).
// A CLI: what it prints (address, kubeconfig, usage) is for the person running it, so it uses
// the console; the host and kubelet inside still log structured lines on stderr.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { requireEngine } from '../engine-check.js';
import { createEmbeddedClusterHost } from './host.js';

const argsSchema = z.object({
  kubeconfig: z.string({ error: '--kubeconfig PATH is required' }).min(1, '--kubeconfig PATH is required'),
  'state-dir': z.string().optional(),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  id: z.string().default('dev'),
  'no-kubelet': z.boolean().default(false),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      id: { type: 'string' },
      'no-kubelet': { type: 'boolean' },
    },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`cluster: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    console.error('usage: npm run cluster -- --kubeconfig PATH [--state-dir DIR] [--port N] [--id NAME] [--no-kubelet]');
    process.exit(2);
  }
  const args = parsed.data;
  // The kubelet runs Pods on the engine: without one, say so in one line (an API server alone needs none).
  if (!args['no-kubelet']) process.env['DOCKER_HOST'] = `unix://${await requireEngine('cluster')}`;
  const temporary = !args['state-dir'];
  const stateDir = args['state-dir'] ? resolve(args['state-dir']) : mkdtempSync(join(os.tmpdir(), 'kubelab-cluster-'));
  const host = createEmbeddedClusterHost({ stateDir, port: args.port, ...(args['no-kubelet'] ? { kubeletFactory: null } : {}) });
  await host.start();
  const cluster = host.getCluster(args.id) ?? (await host.createCluster(args.id));
  const kubeconfigPath = resolve(args.kubeconfig);
  writeFileSync(kubeconfigPath, cluster.kubeconfig(), { mode: 0o600 });
  console.log(`cluster "${cluster.id}" serving on https://127.0.0.1:${host.port}`);
  console.log(`kubeconfig: ${kubeconfigPath}`);
  console.log(`unix socket: ${cluster.socketPath}`);
  console.log(`state: ${stateDir}${temporary ? ' (temporary)' : ''}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    if (temporary) await host.deleteCluster(cluster.id);
    await host.stop();
    if (temporary) rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
