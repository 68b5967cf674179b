// Where the platform keeps its files, derived once from the environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface PlatformPaths {
  /** SQLite database, generated secrets, seeded credentials */
  dataDir: string;
  /** the lab-runner's durable state: sandboxes, virtual clusters, node directories */
  runnerStateDir: string;
}

export function platformPaths(env: NodeJS.ProcessEnv = process.env): PlatformPaths {
  const dataDir = path.resolve(repoRoot, env.KUBELAB_DATA_DIR ?? 'data');
  return { dataDir, runnerStateDir: path.resolve(dataDir, env.KUBELAB_STATE_DIR ?? 'runner') };
}
