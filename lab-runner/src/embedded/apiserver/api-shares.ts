// One sandbox's fair share of the API server: how many objects of each kind and how many
// bytes it may store, how big one request body may be, how many watches and streaming
// sessions (exec, attach, port-forward) it may hold open, and how fast it may send requests.
// Every refusal is worded as kube-apiserver words it:
//  - objects and bytes: the ResourceQuota admission's 403 (`exceeded quota: sandbox-quota, ...`);
//  - request rate: API Priority and Fairness' 429 with Retry-After (client-go waits and retries);
//  - open watches and streams: a 429 TooManyRequests Status saying which share is used up.
// The quota is visible to the learner as the `sandbox-quota` ResourceQuota in `default`.

import type { KubeObject } from '../k8s-types.js';
import { StatusError } from '../status-error.js';

export interface ApiShareLimits {
  /** Objects per kind (pods, configmaps, secrets, serviceaccounts, events, namespaces). */
  objectsPerKind: number;
  /** Bytes of all stored objects together, as JSON. */
  storedBytes: number;
  /** One request body (kube-apiserver's own cap is 3 MiB). */
  maxBodyBytes: number;
  watches: number;
  /** exec, attach and port-forward sessions open at once. */
  streams: number;
  /** Sustained requests per second, and how many may come at once above it. */
  requestsPerSecond: number;
  burst: number;
}

/** Far above what the largest exercise uses (docs/security/shares.md has the measurement). */
export const DEFAULT_API_SHARES: ApiShareLimits = {
  objectsPerKind: 500,
  storedBytes: 32 * 1024 * 1024,
  maxBodyBytes: 3 * 1024 * 1024,
  watches: 64,
  streams: 16,
  requestsPerSecond: 100,
  burst: 400,
};

export const QUOTA_NAME = 'sandbox-quota';
export const STORED_BYTES = 'kubelab.io/stored-bytes';
/** The kinds a learner can create, each with its own `count/<resource>` share. */
export const COUNTED_RESOURCES = ['configmaps', 'events', 'namespaces', 'pods', 'secrets', 'serviceaccounts'] as const;

/** A byte count as a Kubernetes quantity prints it (binary suffix when exact). */
export function formatBytes(n: number): string {
  for (const [suffix, unit] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (n >= unit && n % unit === 0) return `${n / unit}${suffix}`;
  return String(n);
}

export interface UsageSource {
  count(resource: string): number;
  readonly storedBytes: number;
}

export class ApiShares {
  private openWatches = 0;
  private openStreams = 0;
  private tokens: number;
  private refilledAt = Date.now();

  constructor(readonly limits: ApiShareLimits) {
    this.tokens = limits.burst;
  }

  /**
   * Admission of a create or update that stores `size` bytes in place of `previousSize`
   * (0 for a create). Throws the ResourceQuota admission's 403.
   */
  admitWrite(usage: UsageSource, resource: string, name: string, create: boolean, size: number, previousSize: number): void {
    const requested: [string, string][] = [];
    const used: [string, string][] = [];
    const limited: [string, string][] = [];
    if (create && (COUNTED_RESOURCES as readonly string[]).includes(resource)) {
      const count = usage.count(resource);
      if (count + 1 > this.limits.objectsPerKind) {
        const key = `count/${resource}`;
        requested.push([key, '1']);
        used.push([key, String(count)]);
        limited.push([key, String(this.limits.objectsPerKind)]);
      }
    }
    const growth = size - previousSize;
    if (growth > 0 && usage.storedBytes + growth > this.limits.storedBytes) {
      requested.push([STORED_BYTES, formatBytes(growth)]);
      used.push([STORED_BYTES, formatBytes(usage.storedBytes)]);
      limited.push([STORED_BYTES, formatBytes(this.limits.storedBytes)]);
    }
    if (requested.length === 0) return;
    // quota.prettyPrint: names sorted, `name=value` joined by commas.
    const pretty = (list: [string, string][]) => [...list].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
    throw new StatusError(
      403,
      'Forbidden',
      `${resource} "${name}" is forbidden: exceeded quota: ${QUOTA_NAME}, requested: ${pretty(requested)}, used: ${pretty(used)}, limited: ${pretty(limited)}`,
      { name, kind: resource },
    );
  }

  /**
   * Takes one request from the sandbox's token bucket. Returns undefined when admitted, else
   * the seconds to wait (API Priority and Fairness answers 429 with Retry-After).
   */
  admitRequest(now = Date.now()): number | undefined {
    const { requestsPerSecond, burst } = this.limits;
    // A clock stepping back refills nothing (and takes nothing away).
    this.tokens = Math.min(burst, this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * requestsPerSecond);
    this.refilledAt = Math.max(now, this.refilledAt);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / requestsPerSecond));
  }

  /** Holds one watch slot until the returned release is called (safe to call twice). */
  openWatch(): () => void {
    if (this.openWatches >= this.limits.watches) throw tooMany(`this sandbox already has ${this.openWatches} open watches, the most it may hold (stop a "kubectl get -w" or another watch first)`);
    this.openWatches++;
    return once(() => this.openWatches--);
  }

  /** Holds one exec/attach/port-forward slot until released (safe to call twice). */
  openStream(kind: string): () => void {
    if (this.openStreams >= this.limits.streams)
      throw tooMany(`cannot ${kind}: this sandbox already has ${this.openStreams} open exec, attach and port-forward sessions, the most it may hold (end one first)`);
    this.openStreams++;
    return once(() => this.openStreams--);
  }

  get watchesOpen(): number {
    return this.openWatches;
  }

  get streamsOpen(): number {
    return this.openStreams;
  }

  /** The `sandbox-quota` ResourceQuota in `default`, with live usage. */
  quotaObject(usage: UsageSource, createdAt: string | undefined): KubeObject {
    const hard: Record<string, string> = {};
    const used: Record<string, string> = {};
    for (const resource of COUNTED_RESOURCES) {
      hard[`count/${resource}`] = String(this.limits.objectsPerKind);
      used[`count/${resource}`] = String(usage.count(resource));
    }
    hard[STORED_BYTES] = formatBytes(this.limits.storedBytes);
    used[STORED_BYTES] = formatBytes(usage.storedBytes);
    return {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: QUOTA_NAME,
        namespace: 'default',
        uid: QUOTA_UID,
        resourceVersion: '1',
        creationTimestamp: createdAt,
        labels: { 'app.kubernetes.io/managed-by': 'kubelab' },
        annotations: { 'kubelab.io/scope': 'the whole sandbox (every namespace), not only default' },
      },
      spec: { hard },
      status: { hard, used },
    } as KubeObject;
  }
}

const QUOTA_UID = '6b756265-6c61-4273-9261-6e64626f7821';

function tooMany(message: string): StatusError {
  return new StatusError(429, 'TooManyRequests', `Too many requests: ${message}`, { retryAfterSeconds: 1 });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
