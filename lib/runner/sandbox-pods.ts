// The live Pods panel's data: the sandbox's Pods and their containers' states, read from the
// sandbox's own Kubernetes API with the kubeconfig the runner hands out (host-side, TLS with
// the cluster's CA and bearer token). Only the fields the panel shows leave this module.
import https from 'node:https';
import http from 'node:http';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const kubeconfigSchema = z.object({
  clusters: z.array(z.object({ name: z.string(), cluster: z.object({ server: z.string().url(), 'certificate-authority-data': z.string().optional() }) })).min(1),
  users: z.array(z.object({ name: z.string(), user: z.object({ token: z.string().optional() }) })).min(1),
});

const containerStatusSchema = z.object({
  name: z.string(),
  ready: z.boolean().optional(),
  restartCount: z.number().optional(),
  state: z.record(z.string(), z.object({ reason: z.string().optional() }).passthrough()).optional(),
});

const podListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string().optional(), creationTimestamp: z.string().optional() }),
      spec: z.object({ containers: z.array(z.object({ name: z.string(), image: z.string().optional() })).default([]) }).optional(),
      status: z
        .object({
          phase: z.string().optional(),
          containerStatuses: z.array(containerStatusSchema).optional(),
        })
        .optional(),
    }),
  ),
});

export interface ContainerView {
  name: string;
  image: string;
  /** running / waiting / terminated, or pending before the kubelet reported. */
  state: string;
  reason: string | null;
  ready: boolean;
  restarts: number;
}

export interface PodView {
  namespace: string;
  name: string;
  phase: string;
  containers: ContainerView[];
}

interface ApiTarget {
  server: URL;
  ca: Buffer | undefined;
  token: string | undefined;
}

export function apiTargetOf(kubeconfig: string): ApiTarget {
  const config = kubeconfigSchema.parse(parseYaml(kubeconfig));
  const cluster = config.clusters[0]!.cluster;
  const caData = cluster['certificate-authority-data'];
  return { server: new URL(cluster.server), ca: caData ? Buffer.from(caData, 'base64') : undefined, token: config.users[0]!.user.token };
}

function getJson(target: ApiTarget, path: string, timeoutMs: number): Promise<unknown> {
  const url = new URL(path, target.server);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json', ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) },
        ...(url.protocol === 'https:' && target.ca ? { ca: target.ca } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`the sandbox API answered ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the sandbox API did not answer in time')));
    req.on('error', reject);
    req.end();
  });
}

/** Every Pod of the sandbox (all namespaces but kube-system), with its containers' states. */
export async function listSandboxPods(kubeconfig: string, timeoutMs = 5000): Promise<PodView[]> {
  const target = apiTargetOf(kubeconfig);
  const list = podListSchema.parse(await getJson(target, '/api/v1/pods', timeoutMs));
  return list.items
    .filter((pod) => pod.metadata.namespace !== 'kube-system')
    .map((pod) => {
      const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
      return {
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        phase: pod.status?.phase ?? 'Pending',
        containers: (pod.spec?.containers ?? []).map((c) => {
          const status = statuses.get(c.name);
          const [state, detail] = Object.entries(status?.state ?? {})[0] ?? ['pending', {}];
          return {
            name: c.name,
            image: c.image ?? '',
            state,
            reason: detail.reason ?? null,
            ready: status?.ready ?? false,
            restarts: status?.restartCount ?? 0,
          };
        }),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
