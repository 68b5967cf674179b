// Kubernetes API clients for one sandbox, built from the provider's kubeconfig. The check
// engine and the setup step speak to a sandbox only through these.

import { CoreV1Api, Exec, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
  exec: Exec;
}

export function kubeClients(kubeconfig: string): KubeClients {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
    exec: new Exec(config),
  };
}

/** The HTTP status of a client-node ApiException (or undefined for other failures). */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The Kubernetes Status message inside a client-node ApiException, else the error's own text. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      return body.slice(0, 300);
    }
  }
  return error instanceof Error ? error.message : String(error);
}
