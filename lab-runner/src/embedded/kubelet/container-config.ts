// Translates a Pod's container into the engine's create options: the Pod's namespaces
// joined through its infra container, volumes as bind mounts, env resolved from the
// cluster's ConfigMaps and Secrets, and limits.

import type Dockerode from 'dockerode';
import type { Container, Pod } from '../k8s-types.js';
import type { KubeletClusterClient } from '../node-contract.js';
import { BASELINE_CAPABILITIES } from './admission.js';
import { confinement, podCapabilities } from './engine-security.js';
import { ConfigError, fieldRefValue, resourceFieldValue, type PodAddresses } from './field-ref.js';
import { INFRA_NAME, LABEL, engineContainerName, type ContainerRole } from './labels.js';
import { memoryBytes, nanoCpus } from './engine-units.js';

export interface PodContext {
  cluster: KubeletClusterClient;
  pod: Pod;
  addresses: PodAddresses;
  limits: { pids: number; memoryBytes: number; cpus: number };
  /** The sandbox's cgroup (shared limits), or undefined when the engine's cgroups are out of reach. */
  cgroupParent: string | undefined;
  /** Log rotation size (the kubelet's containerLogMaxSize); the engine keeps at most this much. */
  containerLogBytes?: number;
  /** The infra container's UsernsMode (the sandbox's pinned user namespace), or undefined where the engine has none. */
  userns: string | undefined;
  /** Extra labels on every container (the install's identity); the kubelet's own come last and win. */
  labels?: Record<string, string>;
}

function podLabels(ctx: PodContext, container: string, role: ContainerRole, restartCount: number): Record<string, string> {
  return {
    ...ctx.labels,
    [LABEL.managed]: 'true',
    [LABEL.cluster]: ctx.cluster.clusterId,
    [LABEL.podUid]: ctx.pod.metadata.uid ?? '',
    [LABEL.podNamespace]: ctx.pod.metadata.namespace ?? 'default',
    [LABEL.podName]: ctx.pod.metadata.name ?? '',
    [LABEL.container]: container,
    [LABEL.role]: role,
    [LABEL.restartCount]: String(restartCount),
  };
}

function hostConfigLimits(ctx: PodContext, leaf?: string): Dockerode.HostConfig {
  return {
    // Each container gets its own level under the sandbox cgroup: it outlives the container,
    // so the kubelet can still read whether the memory limit was hit (OOMKilled) after it died.
    ...(ctx.cgroupParent ? { CgroupParent: leaf ? `${ctx.cgroupParent}/${leaf}` : ctx.cgroupParent } : {}),
    // Also per container: a sandbox never exceeds its pids budget even where the shared cgroup is unavailable.
    PidsLimit: ctx.limits.pids,
  };
}

/** `attempt` counts sandbox re-creations (the infra container died and was replaced). */
export function infraCreateOptions(ctx: PodContext, image: string, attempt: number): Dockerode.ContainerCreateOptions {
  const pod = ctx.pod;
  return {
    name: engineContainerName(ctx.cluster.clusterId, pod.metadata.name ?? '', pod.metadata.uid ?? '', INFRA_NAME, attempt),
    Image: image,
    Hostname: pod.spec.hostname ?? pod.metadata.name ?? 'pod',
    Labels: { ...podLabels(ctx, INFRA_NAME, 'infra', attempt), [LABEL.podIP]: ctx.addresses.podIP },
    HostConfig: {
      NetworkMode: 'none',
      IpcMode: 'shareable',
      ...(ctx.userns ? { UsernsMode: ctx.userns } : {}),
      ...hostConfigLimits(ctx),
      Memory: 32 * 1024 * 1024,
      // The pause process needs no capability and writes nothing.
      ...confinement([]),
      ReadonlyRootfs: true,
    },
  };
}

/** Expands $(VAR) references the way the kubelet does; $$(VAR) stays literal. */
export function expandVars(text: string, env: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && env.has(name) ? (env.get(name) ?? '') : match;
  });
}

function resolveEnv(ctx: PodContext, container: Container): Map<string, string> {
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const name = source.configMapRef.name ?? '';
      const cm = ctx.cluster.getConfigMap(namespace, name);
      if (!cm) {
        if (source.configMapRef.optional) continue;
        throw new ConfigError(`configmap "${name}" not found`);
      }
      for (const [key, value] of Object.entries(cm.data ?? {})) env.set(prefix + key, value);
    }
    if (source.secretRef) {
      const name = source.secretRef.name ?? '';
      const secret = ctx.cluster.getSecret(namespace, name);
      if (!secret) {
        if (source.secretRef.optional) continue;
        throw new ConfigError(`secret "${name}" not found`);
      }
      for (const [key, value] of Object.entries(secret.data ?? {})) env.set(prefix + key, Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env.set(variable.name, expandVars(variable.value ?? '', env));
      continue;
    }
    if (from.fieldRef) env.set(variable.name, fieldRefValue(ctx.pod, from.fieldRef, ctx.addresses));
    else if (from.resourceFieldRef) env.set(variable.name, resourceFieldValue(ctx.pod, from.resourceFieldRef, container, ctx.limits));
    else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const cm = ctx.cluster.getConfigMap(namespace, ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        throw new ConfigError(`configmap "${ref.name ?? ''}" not found`);
      }
      const value = cm.data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ConfigError(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name ?? ''}`);
      }
      env.set(variable.name, value);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const secret = ctx.cluster.getSecret(namespace, ref.name ?? '');
      if (!secret) {
        if (ref.optional) continue;
        throw new ConfigError(`secret "${ref.name ?? ''}" not found`);
      }
      const value = secret.data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ConfigError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name ?? ''}`);
      }
      env.set(variable.name, Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  return env;
}

function user(pod: Pod, container: Container): string | undefined {
  const uid = container.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
  const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
  if (runAsNonRoot && (uid === undefined || uid === 0)) {
    throw new ConfigError(
      uid === 0
        ? `container's runAsUser breaks non-root policy (pod: "${pod.metadata.name}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})", container: ${container.name})`
        : 'container has runAsNonRoot and image will run as root',
    );
  }
  if (uid === undefined && gid === undefined) return undefined;
  return gid === undefined ? String(uid) : `${uid ?? 0}:${gid}`;
}

export async function containerCreateOptions(
  ctx: PodContext,
  container: Container,
  role: ContainerRole,
  restartCount: number,
  infraId: string,
  image: string,
  /** Stages the container's volume mounts (volume-mounts.ts) and returns their Binds. */
  stageMounts: (container: Container, env: Map<string, string>) => Promise<string[]>,
  terminationLog: string,
): Promise<Dockerode.ContainerCreateOptions> {
  const pod = ctx.pod;
  const env = resolveEnv(ctx, container);
  const expand = (args: string[] | undefined) => args?.map((arg) => expandVars(arg, env));
  const command = expand(container.command);
  const args = expand(container.args);
  const limits = container.resources?.limits ?? {};
  const memory = memoryBytes(limits.memory);
  const cpus = nanoCpus(limits.cpu);
  const security = container.securityContext ?? {};
  const runAs = user(pod, container);
  const joined = `container:${infraId}`;
  return {
    name: engineContainerName(ctx.cluster.clusterId, pod.metadata.name ?? '', pod.metadata.uid ?? '', container.name, restartCount),
    Image: image,
    ...(command ? { Entrypoint: command, Cmd: args ?? [] } : args ? { Cmd: args } : {}),
    Env: [...env].map(([key, value]) => `${key}=${value}`),
    ...(container.workingDir ? { WorkingDir: container.workingDir } : {}),
    ...(runAs ? { User: runAs } : {}),
    Tty: container.tty ?? false,
    OpenStdin: container.stdin ?? false,
    StdinOnce: container.stdinOnce ?? false,
    AttachStdin: false,
    Labels: { ...podLabels(ctx, container.name, role, restartCount), [LABEL.image]: container.image ?? '' },
    HostConfig: {
      NetworkMode: joined,
      IpcMode: joined,
      UTSMode: joined,
      // Every container of the Pod lives in the infra's user namespace: one mapping for the
      // namespaces they share and the volumes they write.
      ...(ctx.userns ? { UsernsMode: joined } : {}),
      ...(pod.spec.shareProcessNamespace ? { PidMode: joined } : {}),
      Binds: [...(await stageMounts(container, env)), `${terminationLog}:${container.terminationMessagePath || '/dev/termination-log'}`],
      ...hostConfigLimits(ctx, `${(pod.metadata.uid ?? '').slice(0, 8)}_${container.name}_${restartCount}`),
      ...(memory !== undefined ? { Memory: memory, MemorySwap: memory } : {}),
      ...(cpus !== undefined ? { NanoCpus: cpus } : {}),
      // No driver named: the engine's own (k8s-file on Podman, json-file on Docker) rotates at max-size.
      ...(ctx.containerLogBytes ? { LogConfig: { Type: '', Config: { 'max-size': String(ctx.containerLogBytes), 'max-file': '5' } } } : {}),
      ReadonlyRootfs: security.readOnlyRootFilesystem ?? false,
      // Always no-new-privileges, whatever allowPrivilegeEscalation says: nothing in a sandbox
      // image needs setuid, and it keeps a learner's own setuid binary from gaining anything.
      ...confinement(podCapabilities(security.capabilities, BASELINE_CAPABILITIES)),
    } as Dockerode.HostConfig,
  };
}
