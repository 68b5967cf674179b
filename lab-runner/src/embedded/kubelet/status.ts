// The Pod status a real kubelet would report for the worker's state: phase, the five
// conditions, and one status per container with state, lastState, restartCount, ready,
// started, image, imageID and containerID.

import type { ContainerState, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodStatus } from '../k8s-types.js';
import type { ContainerRecord } from './container-record.js';

export interface StatusInput {
  pod: Pod;
  records: ContainerRecord[];
  /** The state of a record's current run when it is over (see ExitStates). */
  exitedState(record: ContainerRecord): ContainerStateTerminated | undefined;
  podIP: string | undefined;
  /** Set once the Pod has finished for good. */
  phase: 'Succeeded' | 'Failed' | undefined;
  initialized: boolean;
  infraRunning: boolean;
  hostIP: string;
  startTime: string | undefined;
  /** lastTransitionTime per condition type, kept across reports. */
  conditionTimes: Map<string, { status: string; time: string }>;
}

/** A status timestamp: RFC 3339 in UTC, whole seconds. */
export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function imageIdOf(record: ContainerRecord): string {
  const id = record.current?.imageId;
  if (!id) return '';
  const repo = record.imageRef.split('@')[0]?.replace(/:[^/:]+$/, '') ?? record.imageRef;
  return `${repo}@${id.startsWith('sha256:') ? id : `sha256:${id}`}`;
}

function containerStatus(input: StatusInput, record: ContainerRecord): ContainerStatus {
  const exited = input.exitedState(record);
  let state: ContainerState;
  let lastState: ContainerState = record.lastTerminated ? { terminated: record.lastTerminated } : {};
  if (record.waiting) {
    state = { waiting: { ...record.waiting } };
    if (exited) lastState = { terminated: exited };
  } else if (record.current?.running) {
    state = { running: { ...(record.current.startedAt ? { startedAt: record.current.startedAt } : {}) } };
  } else if (exited) {
    state = { terminated: exited };
  } else {
    const hasInits = (input.pod.spec.initContainers ?? []).length > 0;
    state = { waiting: { reason: hasInits && (record.role !== 'app' || !input.initialized) ? 'PodInitializing' : 'ContainerCreating' } };
  }
  const running = Boolean(record.current?.running) && !record.waiting;
  const completedInit = record.role === 'init' && exited?.exitCode === 0 && !record.waiting;
  return {
    name: record.name,
    state,
    lastState,
    ready: record.role === 'init' ? Boolean(completedInit) : running && record.started && record.ready,
    restartCount: record.restartCount,
    image: record.imageRef || (record.spec.image ?? ''),
    imageID: imageIdOf(record),
    ...(record.current ? { containerID: `docker://${record.current.id}` } : {}),
    started: running && record.started,
  };
}

function condition(input: StatusInput, type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const previous = input.conditionTimes.get(type);
  const time = previous && previous.status === status ? previous.time : now();
  input.conditionTimes.set(type, { status, time });
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

function qosClass(pod: Pod): PodStatus['qosClass'] {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const any = containers.some((c) => Object.keys(c.resources?.limits ?? {}).length || Object.keys(c.resources?.requests ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = pod.spec.containers.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    return ['cpu', 'memory'].every((r) => limits[r] !== undefined && requests[r] === limits[r]);
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function buildPodStatus(input: StatusInput): PodStatus {
  const { pod, records } = input;
  const inits = records.filter((r) => r.role === 'init' || r.role === 'sidecar');
  const apps = records.filter((r) => r.role === 'app');
  const ephemeral = records.filter((r) => r.role === 'ephemeral');
  const initStatuses = inits.map((r) => containerStatus(input, r));
  const appStatuses = apps.map((r) => containerStatus(input, r));
  const sidecarStatuses = initStatuses.filter((_, i) => inits[i]?.role === 'sidecar');

  let phase: PodStatus['phase'] = input.phase;
  if (!phase) {
    const allCreated = apps.every((r) => r.current);
    const anyActive = apps.some((r) => r.current?.running || r.waiting?.reason === 'CrashLoopBackOff' || input.exitedState(r));
    phase = input.initialized && allCreated && anyActive ? 'Running' : 'Pending';
  }

  const notReady = [...appStatuses, ...sidecarStatuses].filter((s) => !s.ready).map((s) => s.name);
  const incompleteInits = inits
    .filter((r, i) => (r.role === 'init' ? !initStatuses[i]?.ready : !initStatuses[i]?.started))
    .map((r) => r.name);
  const initialized = input.initialized || (inits.length === 0 && input.infraRunning);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = !terminal && notReady.length === 0 && input.initialized;
  const notReadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  const conditions: PodCondition[] = [
    condition(input, 'PodReadyToStartContainers', input.infraRunning),
    condition(input, 'Initialized', initialized || terminal, initialized || terminal ? undefined : 'ContainersNotInitialized', initialized || terminal ? undefined : `containers with incomplete status: [${incompleteInits.join(' ')}]`),
    condition(input, 'Ready', containersReady, containersReady ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady', containersReady || terminal ? undefined : notReadyMessage),
    condition(input, 'ContainersReady', containersReady, containersReady ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady', containersReady || terminal ? undefined : notReadyMessage),
    condition(input, 'PodScheduled', true),
  ];
  const podIP = input.podIP;
  return {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(podIP && input.infraRunning ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    ...(input.startTime ? { startTime: input.startTime } : {}),
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
    // Never ready, whatever runs: an ephemeral container is no part of the Pod's service.
    ...(ephemeral.length ? { ephemeralContainerStatuses: ephemeral.map((r) => ({ ...containerStatus(input, r), ready: false })) } : {}),
    qosClass: pod.status?.qosClass ?? qosClass(pod),
  };
}
