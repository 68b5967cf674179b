// Puts an exercise's starting state into a fresh sandbox: node-directory files first, then
// manifests through the cluster's API, then toolbox commands, in the order the format defines.

import { manifestObjects, type ExerciseSetup } from '@kubelab/exercise-format';
import type { KubernetesObject } from '@kubernetes/client-node';
import { RunnerError } from '../errors.js';
import { apiMessage, apiStatus, type KubeClients } from '../checks/kube-clients.js';
import type { Provider } from '../providers/provider.js';

const COMMAND_TIMEOUT_MS = 120_000;

export async function applySetup(provider: Provider, id: string, clients: KubeClients, setup: ExerciseSetup, signal?: AbortSignal): Promise<void> {
  for (const [nodePath, content] of Object.entries(setup.files)) {
    signal?.throwIfAborted();
    await provider.writeNodeFile(id, nodePath, content);
  }
  for (const manifest of setup.manifests) {
    for (const object of manifestObjects(manifest)) {
      signal?.throwIfAborted();
      await createObject(clients, object as KubernetesObject);
    }
  }
  for (const command of setup.commands) {
    signal?.throwIfAborted();
    const result = await provider.exec(id, ['sh', '-c', command], { timeoutMs: COMMAND_TIMEOUT_MS });
    if (result.exitCode !== 0) {
      throw new RunnerError('setup_failed', `setup command exited ${result.exitCode}: ${command}`, {
        stdout: result.stdout.slice(-2000),
        stderr: result.stderr.slice(-2000),
      });
    }
  }
}

async function createObject(clients: KubeClients, object: KubernetesObject): Promise<void> {
  try {
    // KubernetesObjectApi puts namespaced objects without a namespace into `default`.
    await clients.objects.create(structuredClone(object));
  } catch (error) {
    const what = `${object.kind}/${object.metadata?.name ?? '?'}`;
    throw new RunnerError('setup_failed', `setup manifest ${what} was refused (${apiStatus(error) ?? 'no status'}): ${apiMessage(error)}`);
  }
}
