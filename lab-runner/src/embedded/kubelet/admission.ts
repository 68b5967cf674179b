// What a sandbox node refuses to run: the Pod Security Standard "baseline" level, enforced in
// every namespace (there is no namespace label that lowers it), with the reasons and wording of
// the real PodSecurity admission plugin (k8s.io/pod-security-admission at "latest"). The API
// server calls this on create and on every update that changes the spec or the annotations;
// the kubelet calls it again before it runs a Pod (a second line for Pods that reached the
// store another way).
//
// DELIBERATE DEVIATION from baseline: hostPath volumes are allowed. The course teaches them,
// and a sandbox's hostPath never reaches the real host: the kubelet maps it beneath the
// sandbox's own node directory (volumes.ts). Everything else baseline forbids is forbidden.

import type { Container, Pod, PodSecurityContext, SecurityContext } from '../k8s-types.js';

/** Capabilities a baseline Pod may add: the container runtimes' historical default set. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Namespaced sysctls baseline allows (the "safe" set as of the latest policy version). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

interface Violation {
  reason: string;
  detail: string;
}

const joinQuote = (items: Iterable<string>) => {
  const list = [...items];
  return list.length ? `"${list.join('", "')}"` : '';
};
const pluralize = (singular: string, plural: string, count: number) => (count === 1 ? singular : plural);
const sorted = (items: Iterable<string>) => [...new Set(items)].sort();
const containersPhrase = (names: string[]) => `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;

/** Init, regular and ephemeral containers, in the order PodSecurity visits them. */
function visitContainers(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...((pod.spec.ephemeralContainers ?? []) as Container[])];
}

const sc = (container: Container): SecurityContext => container.securityContext ?? {};
const podSc = (pod: Pod): PodSecurityContext => pod.spec.securityContext ?? {};

/**
 * Who sets a seccomp or AppArmor profile type other than RuntimeDefault or Localhost: `pod`
 * and/or `container(s) "a", ...`, and the values they set (sorted).
 */
function badProfileTypes(pod: Pod, field: 'seccompProfile' | 'appArmorProfile'): { setters: string[]; values: string[] } {
  const allowed = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';
  const setters: string[] = [];
  const values = new Set<string>();
  const podProfile = podSc(pod)[field];
  if (podProfile && !allowed(podProfile.type)) {
    setters.push('pod');
    values.add(podProfile.type ?? '');
  }
  const bad: string[] = [];
  for (const c of visitContainers(pod)) {
    const profile = sc(c)[field];
    if (profile && !allowed(profile.type)) {
      bad.push(c.name);
      values.add(profile.type ?? '');
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  return { setters, values: sorted(values) };
}

function appArmorProfile(pod: Pod): Violation | undefined {
  const { setters, values } = badProfileTypes(pod, 'appArmorProfile');
  const annotations = Object.entries(pod.metadata.annotations ?? {})
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION) && !(value === '' || value === 'runtime/default' || value.startsWith('localhost/')))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .sort();
  const valueList = [...values, ...annotations];
  if (annotations.length) setters.push(pluralize('annotation', 'annotations', annotations.length));
  if (!setters.length) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`,
  };
}

function hostNamespaces(pod: Pod): Violation | undefined {
  const used = [
    ...(pod.spec.hostNetwork ? ['hostNetwork=true'] : []),
    ...(pod.spec.hostPID ? ['hostPID=true'] : []),
    ...(pod.spec.hostIPC ? ['hostIPC=true'] : []),
  ];
  return used.length ? { reason: 'host namespaces', detail: used.join(', ') } : undefined;
}

function hostPorts(pod: Pod): Violation | undefined {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of visitContainers(pod)) {
    const used = (c.ports ?? []).filter((p) => p.hostPort !== undefined && p.hostPort !== 0);
    used.forEach((p) => ports.add(String(p.hostPort)));
    if (used.length) bad.push(c.name);
  }
  if (!bad.length) return undefined;
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', ports.size)} ${sorted(ports).join(', ')}`,
  };
}

function hostProbesAndLifecycle(pod: Pod): Violation | undefined {
  const bad = new Set<string>();
  const hosts = new Set<string>();
  for (const c of visitContainers(pod)) {
    for (const handler of [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop]) {
      for (const host of [handler?.httpGet?.host, handler?.tcpSocket?.host]) {
        if (host) {
          bad.add(c.name);
          hosts.add(host);
        }
      }
    }
  }
  if (!bad.size) return undefined;
  const names = sorted(bad);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.size)} ${joinQuote(sorted(hosts))}`,
  };
}

function privileged(pod: Pod): Violation | undefined {
  const bad = visitContainers(pod).filter((c) => sc(c).privileged === true).map((c) => c.name);
  return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
}

function procMount(pod: Pod): Violation | undefined {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of visitContainers(pod)) {
    const value = sc(c).procMount;
    if (value !== undefined && value !== 'Default') {
      bad.push(c.name);
      types.add(value);
    }
  }
  return bad.length ? { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` } : undefined;
}

function seLinuxOptions(pod: Pod): Violation | undefined {
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  const valid = (opts: { user?: string; role?: string; type?: string }) => {
    let ok = true;
    if (!SELINUX_TYPES.has(opts.type ?? '')) {
      ok = false;
      badTypes.add(opts.type ?? '');
    }
    if (opts.user) (ok = false), (setUser = true);
    if (opts.role) (ok = false), (setRole = true);
    return ok;
  };
  const setters: string[] = [];
  const podOpts = podSc(pod).seLinuxOptions;
  if (podOpts && !valid(podOpts)) setters.push('pod');
  const bad = visitContainers(pod).filter((c) => {
    const opts = sc(c).seLinuxOptions;
    return opts !== undefined && !valid(opts);
  });
  if (bad.length) setters.push(containersPhrase(bad.map((c) => c.name)));
  if (!setters.length) return undefined;
  const data = [
    ...(badTypes.size ? [`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sorted(badTypes))}`] : []),
    ...(setUser ? ['user may not be set'] : []),
    ...(setRole ? ['role may not be set'] : []),
  ];
  return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
}

function sysctls(pod: Pod): Violation | undefined {
  const bad = (podSc(pod).sysctls ?? []).map((s) => s.name).filter((name) => !SAFE_SYSCTLS.has(name));
  return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
}

function windowsHostProcess(pod: Pod): Violation | undefined {
  const setters = podSc(pod).windowsOptions?.hostProcess === true ? ['pod'] : [];
  const bad = visitContainers(pod).filter((c) => sc(c).windowsOptions?.hostProcess === true).map((c) => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
}

function capabilities(pod: Pod): Violation | undefined {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of visitContainers(pod)) {
    const forbidden = (sc(c).capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    forbidden.forEach((cap) => caps.add(cap));
    if (forbidden.length) bad.push(c.name);
  }
  return bad.length
    ? { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add` }
    : undefined;
}

function seccompProfile(pod: Pod): Violation | undefined {
  const { setters, values } = badProfileTypes(pod, 'seccompProfile');
  return setters.length
    ? { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` }
    : undefined;
}

// The order PodSecurity reports in: its baseline checks by source file name, then the checks
// that overlap with "restricted" (capabilities, seccomp). hostPathVolumes is left out on purpose.
const BASELINE_CHECKS = [appArmorProfile, hostNamespaces, hostPorts, hostProbesAndLifecycle, privileged, procMount, seLinuxOptions, sysctls, windowsHostProcess, capabilities, seccompProfile];

/** The PodSecurity "baseline:latest" verdict: `violates PodSecurity ...`, or undefined when allowed. */
function podSecurityViolation(pod: Pod): string | undefined {
  const violations = BASELINE_CHECKS.map((check) => check(pod)).filter((v): v is Violation => v !== undefined);
  if (!violations.length) return undefined;
  return `violates PodSecurity "baseline:latest": ${violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ')}`;
}

const SUPPORTED_VOLUMES = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI'];

/** Reasons this Pod cannot run in a sandbox; [] when it can. Pure: no I/O. */
export function admissionErrors(pod: Pod): string[] {
  const errors: string[] = [];
  const security = podSecurityViolation(pod);
  if (security) errors.push(security);
  (pod.spec.volumes ?? []).forEach((volume, i) => {
    const source = Object.keys(volume).find((key) => key !== 'name');
    if (source && !SUPPORTED_VOLUMES.includes(source)) {
      errors.push(`spec.volumes[${i}].${source}: Unsupported value: a Kubelab sandbox supports ${SUPPORTED_VOLUMES.join(', ')} volumes`);
    }
  });
  return errors;
}
