// The one-node scheduler: decides whether a Pod fits the sandbox's node, as kube-scheduler's
// filters would (node name, nodeSelector and required node affinity, then the node's cpu,
// memory and pod capacity against what the Pods already bound to it request), and words the
// refusal the way kube-scheduler does, so `kubectl describe pod` teaches the real thing.
// Taints, pod (anti-)affinity and topology spread are not modelled: the node has no taints and
// there is nothing to spread across.

import type { Container, Pod } from '../k8s-types.js';
import { tryParseQuantity } from '../quantity.js';

export interface SchedulableNode {
  name: string;
  labels: Record<string, string>;
  allocatable: { cpu: number; memoryBytes: number; pods: number };
}

export type Fit = { fits: true } | { fits: false; message: string };

interface NodeSelectorRequirement { key?: string; operator?: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }

/** Whether `pod` fits `node` next to the Pods already bound to it (terminal ones excluded by the caller). */
export function fitPod(pod: Pod, node: SchedulableNode, bound: Pod[]): Fit {
  if (!matchesNodeSelector(pod, node) || !matchesRequiredAffinity(pod, node))
    return unschedulable(["node(s) didn't match Pod's node affinity/selector"], 'Preemption is not helpful for scheduling.');
  const used = bound.reduce((sum, p) => add(sum, podRequests(p)), { cpu: 0, memoryBytes: 0 });
  const wanted = podRequests(pod);
  const reasons: string[] = [];
  if (bound.length + 1 > node.allocatable.pods) reasons.push('Too many pods');
  if (wanted.cpu > 0 && used.cpu + wanted.cpu > node.allocatable.cpu + 1e-9) reasons.push('Insufficient cpu');
  if (wanted.memoryBytes > 0 && used.memoryBytes + wanted.memoryBytes > node.allocatable.memoryBytes) reasons.push('Insufficient memory');
  if (reasons.length === 0) return { fits: true };
  return unschedulable(reasons, 'No preemption victims found for incoming pod.');
}

/** kube-scheduler's wording for one node: "0/1 nodes are available: 1 Insufficient memory. preemption: …". */
function unschedulable(reasons: string[], preemption: string): Fit {
  const histogram = reasons.map((r) => `1 ${r}`).sort().join(', ');
  return { fits: false, message: `0/1 nodes are available: ${histogram}. preemption: 0/1 nodes are available: 1 ${preemption}` };
}

function matchesNodeSelector(pod: Pod, node: SchedulableNode): boolean {
  return Object.entries(pod.spec.nodeSelector ?? {}).every(([key, value]) => node.labels[key] === value);
}

function matchesRequiredAffinity(pod: Pod, node: SchedulableNode): boolean {
  const affinity = pod.spec['affinity'] as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined;
  const terms = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  // Terms are ORed; the requirements inside one term are ANDed; an empty term matches nothing.
  return terms.some((term) => {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return expressions.every((r) => requirementHolds(r, node.labels)) && fields.every((r) => requirementHolds(r, { 'metadata.name': node.name }));
  });
}

function requirementHolds(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const key = r.key ?? '';
  const has = Object.hasOwn(values, key);
  const value = values[key];
  const wanted = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && wanted.includes(value!);
    case 'NotIn':
      return !has || !wanted.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const actual = Number.parseInt(value ?? '', 10);
      const bound = Number.parseInt(wanted[0] ?? '', 10);
      if (!has || Number.isNaN(actual) || Number.isNaN(bound)) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

interface Requests { cpu: number; memoryBytes: number }
const add = (a: Requests, b: Requests): Requests => ({ cpu: a.cpu + b.cpu, memoryBytes: a.memoryBytes + b.memoryBytes });
const max = (a: Requests, b: Requests): Requests => ({ cpu: Math.max(a.cpu, b.cpu), memoryBytes: Math.max(a.memoryBytes, b.memoryBytes) });

function containerRequests(c: Container): Requests {
  const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
  return { cpu: tryParseQuantity(requests['cpu']) ?? 0, memoryBytes: tryParseQuantity(requests['memory']) ?? 0 };
}

/**
 * The Pod's effective request: its app containers and native sidecars together, or the largest
 * init container plus the sidecars started before it, whichever is larger, plus the overhead.
 */
export function podRequests(pod: Pod): Requests {
  let sidecars: Requests = { cpu: 0, memoryBytes: 0 };
  let initPeak: Requests = { cpu: 0, memoryBytes: 0 };
  for (const c of pod.spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') sidecars = add(sidecars, containerRequests(c));
    else initPeak = max(initPeak, add(sidecars, containerRequests(c)));
  }
  const apps = (pod.spec.containers ?? []).reduce((sum, c) => add(sum, containerRequests(c)), sidecars);
  const overhead = (pod.spec['overhead'] ?? {}) as Record<string, unknown>;
  return add(max(apps, initPeak), { cpu: tryParseQuantity(overhead['cpu']) ?? 0, memoryBytes: tryParseQuantity(overhead['memory']) ?? 0 });
}
