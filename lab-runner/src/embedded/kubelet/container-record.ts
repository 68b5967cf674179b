// The kubelet's record of one container of the Pod across its runs: the current and the
// previous engine container, restart count, lastState, why it is held back, probe state.

import { normalizeImageReference } from '../../images/index.js';
import type { Container, ContainerStateTerminated, Pod } from '../k8s-types.js';
import type { ObservedContainer } from './engine.js';
import type { ContainerRole } from './labels.js';
import type { ContainerProbes } from './probes.js';

export interface ContainerRecord {
  name: string;
  role: Exclude<ContainerRole, 'infra'>;
  spec: Container;
  /** The engine container of the current run. */
  current: ObservedContainer | undefined;
  /** The engine container of the run before (kept for `logs --previous` until the next restart). */
  previousId: string | undefined;
  restartCount: number;
  /** The terminated state of the previous run (lastState). */
  lastTerminated: ContainerStateTerminated | undefined;
  /** Set while the kubelet holds the container back: CrashLoopBackOff, ErrImagePull, ... */
  waiting: { reason: string; message?: string } | undefined;
  waitingSince?: number;
  /** A start attempt failed before the process ran (StartError). */
  startError: ContainerStateTerminated | undefined;
  started: boolean;
  ready: boolean;
  probes: ContainerProbes | undefined;
  imageRef: string;
}

/** The normalised image reference; an invalid one is kept as written and fails at start with InvalidImageName. */
export function imageRefOf(spec: Container): string {
  try {
    return normalizeImageReference(spec.image ?? '');
  } catch {
    return spec.image ?? '';
  }
}

export function newContainerRecord(spec: Container, role: ContainerRecord['role']): ContainerRecord {
  return {
    name: spec.name,
    role,
    spec,
    current: undefined,
    previousId: undefined,
    restartCount: 0,
    lastTerminated: undefined,
    waiting: undefined,
    startError: undefined,
    started: false,
    ready: false,
    probes: undefined,
    imageRef: imageRefOf(spec),
  };
}

/** The Pod's ephemeral containers (added through the ephemeralcontainers subresource, never removed). */
export function ephemeralSpecs(pod: Pod): Container[] {
  return (pod.spec.ephemeralContainers ?? []) as Container[];
}

/** The involvedObject.fieldPath of the container's events. */
export function fieldPath(record: Pick<ContainerRecord, 'role' | 'name'>): string {
  if (record.role === 'ephemeral') return `spec.ephemeralContainers{${record.name}}`;
  return record.role === 'app' ? `spec.containers{${record.name}}` : `spec.initContainers{${record.name}}`;
}

/** Drops a run's probe state once the run is over. */
export function forgetRun(record: ContainerRecord): void {
  record.probes?.stop();
  record.probes = undefined;
  record.started = false;
  record.ready = false;
}
