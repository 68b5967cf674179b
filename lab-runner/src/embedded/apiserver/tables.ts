// Server-side printing: meta.k8s.io/v1 Tables with the real server's columns and cell
// values for each served kind, which is what `kubectl get` prints.

import type { ContainerStatus, Event, KubeObject, Pod } from '../k8s-types.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  cells(object: KubeObject, now: number): unknown[];
}

const col = (name: string, description: string, opts: { priority?: number; format?: string; type?: string } = {}): ColumnDefinition => ({
  name,
  type: opts.type ?? 'string',
  format: opts.format ?? '',
  description,
  priority: opts.priority ?? 0,
});

const NAME = col('Name', 'The object\'s name, unique among objects of its kind in a namespace.', { format: 'name' });
const AGE = col('Age', 'How long ago the object was created.');

/** Go's duration.HumanDuration, as the real server renders ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

export function since(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

const age = (o: KubeObject, now: number) => since(o.metadata.creationTimestamp, now);

/** The STATUS, READY and RESTARTS cells of `kubectl get pods`, ported from the real printer. */
export function podSummary(pod: Pod, now: number): { ready: string; status: string; restarts: string } {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = spec.containers.length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = status.reason || status.phase || '';
  const sidecars = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  totalContainers += sidecars.size;
  const finishedAt = (c: ContainerStatus) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0;

  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as ContainerStatus;
    restarts += c.restartCount;
    if (c.lastState?.terminated) lastRestart = Math.max(lastRestart, finishedAt(c));
    if (sidecars.has(c.name)) {
      sidecarRestarts += c.restartCount;
      if (c.lastState?.terminated) lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (sidecars.has(c.name) && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      restarts += c.restartCount;
      if (c.lastState?.terminated) lastRestart = Math.max(lastRestart, finishedAt(c));
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

const podPrinter: Printer = {
  columns: [
    NAME,
    col('Ready', 'How many of the Pod\'s containers are ready, out of all of them.'),
    col('Status', 'A one-word summary of the Pod\'s containers.'),
    col('Restarts', 'How often the Pod\'s containers were restarted, and how long ago the last restart was.'),
    AGE,
    col('IP', 'The Pod\'s IP address.', { priority: 1 }),
    col('Node', 'The node the Pod is bound to.', { priority: 1 }),
    col('Nominated Node', 'A node the Pod may move to once preemption there is done.', { priority: 1 }),
    col('Readiness Gates', 'How many extra readiness conditions are True, out of those the Pod asks for.', { priority: 1 }),
  ],
  cells(o, now) {
    const pod = o as Pod;
    const s = podSummary(pod, now);
    const gates = pod.spec.readinessGates ?? [];
    const trueGates = gates.filter((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
    return [
      pod.metadata.name,
      s.ready,
      s.status,
      s.restarts,
      age(pod, now),
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec.nodeName || '<none>',
      (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName || '<none>',
      gates.length ? `${trueGates}/${gates.length}` : '<none>',
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [NAME, col('Status', 'Whether the namespace is Active or being deleted (Terminating).'), AGE],
  cells: (o, now) => [o.metadata.name, (o as { status?: { phase?: string } }).status?.phase ?? '', age(o, now)],
};

function eventSource(e: Event): string {
  const c = e.source?.component || e.reportingComponent || '';
  const h = e.source?.host || e.reportingInstance || '';
  return h ? `${c}, ${h}` : c;
}

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'How long ago the event was last seen.'),
    col('Type', 'Normal or Warning.'),
    col('Reason', 'A short word for what happened.'),
    col('Object', 'The object the event is about.'),
    col('Subobject', 'The part of the object the event is about.', { priority: 1 }),
    col('Source', 'The component that reported the event.', { priority: 1 }),
    col('Message', 'What happened.'),
    col('First Seen', 'How long ago the event was first seen.', { priority: 1 }),
    col('Count', 'How many times the event was seen.', { priority: 1 }),
    col('Name', 'The event\'s own name.', { priority: 1, format: 'name' }),
  ],
  cells(o, now) {
    const e = o as Event;
    const first = e.firstTimestamp || e.eventTime || e.metadata.creationTimestamp;
    const last = e.lastTimestamp || e.eventTime || first;
    const count = e.count ?? 1;
    const lastSeen = count > 1 ? `${since(last, now)} (x${count} over ${since(first, now)})` : since(last, now);
    return [
      lastSeen,
      e.type ?? '',
      e.reason ?? '',
      `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`,
      e.involvedObject.fieldPath ?? '',
      eventSource(e),
      (e.message ?? '').trim(),
      since(first, now),
      count,
      e.metadata.name,
    ];
  },
};

interface NodeLike extends KubeObject {
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
  spec?: { unschedulable?: boolean };
}

const nodePrinter: Printer = {
  columns: [
    NAME,
    col('Status', 'Whether the node is Ready.'),
    col('Roles', 'The node\'s roles, from its node-role.kubernetes.io labels.'),
    AGE,
    col('Version', 'The kubelet version.'),
    col('Internal-IP', 'The node\'s internal address.', { priority: 1 }),
    col('External-IP', 'The node\'s external address.', { priority: 1 }),
    col('OS-Image', 'The operating system.', { priority: 1 }),
    col('Kernel-Version', 'The kernel version.', { priority: 1 }),
    col('Container-Runtime', 'The container runtime and its version.', { priority: 1 }),
  ],
  cells(o, now) {
    const n = o as NodeLike;
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
    if (n.spec?.unschedulable) status += ',SchedulingDisabled';
    const roles = Object.keys(n.metadata.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length))
      .filter(Boolean);
    const addr = (t: string) => n.status?.addresses?.find((a) => a.type === t)?.address ?? '<none>';
    return [
      n.metadata.name,
      status,
      roles.length ? roles.sort().join(',') : '<none>',
      age(n, now),
      n.status?.nodeInfo?.kubeletVersion ?? '',
      addr('InternalIP'),
      addr('ExternalIP'),
      n.status?.nodeInfo?.osImage ?? '<unknown>',
      n.status?.nodeInfo?.kernelVersion ?? '<unknown>',
      n.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>',
    ];
  },
};

const configMapPrinter: Printer = {
  columns: [NAME, col('Data', 'How many keys the config map holds.', { type: 'integer' }), AGE],
  cells(o, now) {
    const c = o as { data?: object; binaryData?: object } & KubeObject;
    return [o.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(o, now)];
  },
};

const secretPrinter: Printer = {
  columns: [NAME, col('Type', 'The type of the secret.'), col('Data', 'How many keys the secret holds.', { type: 'integer' }), AGE],
  cells(o, now) {
    const s = o as { data?: object; type?: string } & KubeObject;
    return [o.metadata.name, s.type ?? '', Object.keys(s.data ?? {}).length, age(o, now)];
  },
};

const serviceAccountPrinter: Printer = {
  columns: [NAME, col('Secrets', 'How many secrets are listed for the account.', { type: 'integer' }), AGE],
  cells(o, now) {
    const s = o as { secrets?: unknown[] } & KubeObject;
    return [o.metadata.name, (s.secrets ?? []).length, age(o, now)];
  },
};

interface ServiceLike extends KubeObject {
  spec?: { type?: string; clusterIP?: string; externalIPs?: string[]; ports?: { port: number; protocol?: string; nodePort?: number }[]; selector?: Record<string, string> };
}

const servicePrinter: Printer = {
  columns: [
    NAME,
    col('Type', 'How the Service is exposed.'),
    col('Cluster-IP', 'The virtual IP inside the cluster.'),
    col('External-IP', 'Addresses outside the cluster, if any.'),
    col('Port(s)', 'The ports the Service exposes.'),
    AGE,
    col('Selector', 'Labels of the Pods behind the Service.', { priority: 1 }),
  ],
  cells(o, now) {
    const s = (o as ServiceLike).spec ?? {};
    const ports = (s.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
    const selector = Object.entries(s.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return [o.metadata.name, s.type ?? 'ClusterIP', s.clusterIP ?? '', s.externalIPs?.join(',') || '<none>', ports || '<none>', age(o, now), selector || '<none>'];
  },
};

/** As kubectl's: REQUEST lists every hard limit but the limits.* ones, which LIMIT lists, as used/hard. */
const resourceQuotaPrinter: Printer = {
  columns: [NAME, AGE, col('Request', 'Requests and object counts: used/hard.'), col('Limit', 'Limits: used/hard.')],
  cells(o, now) {
    const status = (o as unknown as { status?: { hard?: Record<string, string>; used?: Record<string, string> } }).status ?? {};
    const entries = Object.keys(status.hard ?? {})
      .sort()
      .map((k) => [k, `${k}: ${status.used?.[k] ?? '0'}/${status.hard?.[k] ?? ''}`] as const);
    return [o.metadata.name, age(o, now), entries.filter(([k]) => !k.startsWith('limits.')).map(([, v]) => v).join(', '), entries.filter(([k]) => k.startsWith('limits.')).map(([, v]) => v).join(', ')];
  },
};

const leasePrinter: Printer = {
  columns: [NAME, col('Holder', 'Who holds the lease.'), AGE],
  cells: (o, now) => [o.metadata.name, (o as unknown as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '', age(o, now)],
};

export const printers: Record<string, Printer> = {
  leases: leasePrinter,
  resourcequotas: resourceQuotaPrinter,
  services: servicePrinter,
  pods: podPrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  nodes: nodePrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function tableRow(resource: string, object: KubeObject, include: IncludeObject, now: number): Record<string, unknown> {
  const printer = printers[resource];
  const cells = printer ? printer.cells(object, now) : [object.metadata.name, age(object, now)];
  const row: Record<string, unknown> = { cells };
  if (include === 'Object') row['object'] = object;
  else if (include === 'Metadata') row['object'] = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
  return row;
}

export function table(resource: string, objects: KubeObject[], include: IncludeObject, listMeta: Record<string, unknown>, now = Date.now()): Record<string, unknown> {
  const printer = printers[resource];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer ? printer.columns : [NAME, AGE],
    rows: objects.map((o) => tableRow(resource, o, include, now)),
  };
}
