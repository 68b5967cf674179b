// Pod rules of the real API server: defaults filled in on create, validation with the real
// messages, which fields an update may change, and the values field selectors match.

import type { Container, Pod, PodSpec, Probe, Volume } from '../k8s-types.js';
import {
  checkAnnotations,
  checkDnsLabel,
  checkDnsSubdomain,
  checkLabels,
  duplicate,
  forbidden,
  invalid,
  notFoundField,
  notSupported,
  quote,
  required,
  type FieldError,
} from './field-errors.js';
import { tryParseQuantity, QUANTITY_FORMAT_MSG } from '../quantity.js';

/** imagePullPolicy default: Always for `:latest` or no tag, IfNotPresent otherwise (digests too). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'Always';
  return image.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  // Requests default to the limits for every resource that has a limit but no request.
  if (c.resources.limits) {
    for (const [k, v] of Object.entries(c.resources.limits)) {
      c.resources.requests ??= {};
      if (c.resources.requests[k] === undefined) c.resources.requests[k] = v;
    }
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

function defaultVolume(v: Volume): void {
  if (v.configMap) v.configMap.defaultMode ??= 0o644;
  if (v.secret) v.secret.defaultMode ??= 0o644;
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 0o644;
    for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
  }
  if (v.projected) (v.projected as { defaultMode?: number }).defaultMode ??= 0o644;
}

export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && tryParseQuantity(req[r]) !== tryParseQuantity(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * Fills in what the real API server (defaulting plus its admission plugins: ServiceAccount,
 * DefaultTolerationSeconds, Priority) and the scheduler add, on a Pod being created.
 */
export function applyPodDefaults(pod: Pod): void {
  // A Pod sent without a spec is defaulted like an empty one; validation then says what is missing.
  pod.spec ??= {} as PodSpec;
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some((t) => (t.key === key || (t.operator === 'Exists' && !t.key)) && (!t.effect || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  // Unbound: the cluster's scheduler (scheduler.ts) binds it to the node, or says why not.
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];

export function validateObjectMeta(meta: Pod['metadata'], namespaced: boolean, nameCheck: (f: string, v: string) => FieldError[] = checkDnsSubdomain): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else errs.push(...nameCheck('metadata.name', meta.name));
  if (namespaced && meta.namespace) errs.push(...checkDnsLabel('metadata.namespace', meta.namespace));
  errs.push(...checkLabels('metadata.labels', meta.labels));
  errs.push(...checkAnnotations('metadata.annotations', meta.annotations));
  return errs;
}

function validateResources(path: string, c: Container): FieldError[] {
  const errs: FieldError[] = [];
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const [kind, values] of [['limits', lim], ['requests', req]] as const) {
    for (const [k, v] of Object.entries(values)) {
      const n = tryParseQuantity(v);
      if (n === undefined) errs.push(invalid(`${path}.resources.${kind}[${k}]`, v, QUANTITY_FORMAT_MSG));
      else if (n < 0) errs.push(invalid(`${path}.resources.${kind}[${k}]`, v, 'must be greater than or equal to 0'));
    }
  }
  for (const [k, v] of Object.entries(req)) {
    const l = lim[k];
    if (l === undefined) continue;
    const rn = tryParseQuantity(v);
    const ln = tryParseQuantity(l);
    if (rn !== undefined && ln !== undefined && rn > ln) errs.push(invalid(`${path}.resources.requests`, v, `must be less than or equal to ${k} limit of ${l}`));
  }
  return errs;
}

function validateContainer(path: string, c: Container, volumeNames: Set<string>, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else {
    errs.push(...checkDnsLabel(`${path}.name`, c.name));
    if (names.has(c.name)) errs.push(duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image || !String(c.image).trim()) errs.push(required(`${path}.image`));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy))
    errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  const portNames = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    if (p.containerPort === undefined || p.containerPort === null) errs.push(required(`${pp}.containerPort`));
    else if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
      errs.push(invalid(`${pp}.containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive'));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    if (p.name) {
      if (p.name.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.name) || !/[a-z]/.test(p.name))
        errs.push(invalid(`${pp}.name`, p.name, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
      if (portNames.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
  });
  (c.env ?? []).forEach((e, i) => {
    if (!e.name) errs.push(required(`${path}.env[${i}].name`));
    if (e.value !== undefined && e.value !== '' && e.valueFrom)
      errs.push(invalid(`${path}.env[${i}].valueFrom`, '', 'may not be specified when `value` is not empty'));
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(required(`${mp}.name`));
    else if (!volumeNames.has(m.name)) errs.push(notFoundField(`${mp}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${mp}.mountPath`));
    else {
      if (mountPaths.has(m.mountPath)) errs.push(invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
    }
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..')))
      errs.push(invalid(`${mp}.subPath`, m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
  });
  errs.push(...validateResources(path, c));
  if (c.stdinOnce && !c.stdin) errs.push(invalid(`${path}.stdinOnce`, true, '`stdinOnce` may only be specified when `stdin` is true'));
  if (c.tty && !c.stdin) errs.push(invalid(`${path}.tty`, true, '`tty` may only be specified when `stdin` is true'));
  return errs;
}

function validateVolume(path: string, v: Volume): FieldError[] {
  const errs: FieldError[] = [];
  if (!v.name) errs.push(required(`${path}.name`));
  else errs.push(...checkDnsLabel(`${path}.name`, v.name));
  const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  if (sources.length === 0) errs.push(required(path, 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 volume type'));
  if (v.hostPath && !v.hostPath.path) errs.push(required(`${path}.hostPath.path`));
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(`${path}.persistentVolumeClaim.claimName`));
  if (v.configMap && !v.configMap.name) errs.push(required(`${path}.configMap.name`));
  if (v.secret && !v.secret.secretName) errs.push(required(`${path}.secret.secretName`));
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [required('spec.containers')];
  const volumeNames = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    errs.push(...validateVolume(`spec.volumes[${i}]`, v));
    if (v.name) {
      if (volumeNames.has(v.name)) errs.push(duplicate(`spec.volumes[${i}].name`, v.name));
      volumeNames.add(v.name);
    }
  });
  const names = new Set<string>();
  if (!spec.containers || spec.containers.length === 0) errs.push(required('spec.containers'));
  (spec.initContainers ?? []).forEach((c, i) => errs.push(...validateContainer(`spec.initContainers[${i}]`, c, volumeNames, names)));
  (spec.containers ?? []).forEach((c, i) => errs.push(...validateContainer(`spec.containers[${i}]`, c, volumeNames, names)));
  const regular = new Set(names);
  errs.push(...ephemeralShapeErrors(spec));
  ephemeralSpecs(spec).forEach((c, i) => errs.push(...validateEphemeralContainer(`spec.ephemeralContainers[${i}]`, c, volumeNames, names, regular)));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy))
    errs.push(notSupported('spec.restartPolicy', spec.restartPolicy, RESTART_POLICIES));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(notSupported('spec.dnsPolicy', spec.dnsPolicy, DNS_POLICIES));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds < 1)
    errs.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0)
    errs.push(invalid('spec.terminationGracePeriodSeconds', spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  if (spec.serviceAccountName) errs.push(...checkDnsSubdomain('spec.serviceAccountName', spec.serviceAccountName));
  if (spec.hostname) errs.push(...checkDnsLabel('spec.hostname', spec.hostname));
  return errs;
}

const isContainerObject = (c: unknown): c is Container => typeof c === 'object' && c !== null && !Array.isArray(c);
/** The ephemeral containers that are objects (anything else is a validation error, see validatePodSpec). */
const ephemeralSpecs = (spec: PodSpec): Container[] => (Array.isArray(spec.ephemeralContainers) ? spec.ephemeralContainers.filter(isContainerObject) : []);

/** What the HTTP layer's type check refuses already; here too for every other way in. */
function ephemeralShapeErrors(spec: PodSpec): FieldError[] {
  const list = spec.ephemeralContainers;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [invalid('spec.ephemeralContainers', list, 'must be a list of ephemeral containers')];
  return list.flatMap((c, i) => (isContainerObject(c) ? [] : [invalid(`spec.ephemeralContainers[${i}]`, c, 'must be an ephemeral container object')]));
}

/** Container fields an ephemeral container may not set (the real allow-list's `false` entries, in struct order). */
const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'resizePolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'restartPolicy'] as const;

/** A set Go value: not nil, not empty (an empty `resources: {}` is the zero value kubectl debug sends). */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value as object).some(isSet);
  return true;
}

/** validateEphemeralContainers: a container's rules, a name unique across all containers, an existing non-ephemeral target, no workload fields. */
function validateEphemeralContainer(path: string, c: Container, volumeNames: Set<string>, names: Set<string>, regular: Set<string>): FieldError[] {
  const errs = validateContainer(path, c, volumeNames, names);
  const target = (c as { targetContainerName?: string }).targetContainerName;
  if (target && !regular.has(target)) errs.push(notFoundField(`${path}.targetContainerName`, target));
  const fields = c as unknown as Record<string, unknown>;
  for (const field of EPHEMERAL_FORBIDDEN) if (isSet(fields[field])) errs.push(forbidden(`${path}.${field}`, 'cannot be set for an Ephemeral Container'));
  (c.volumeMounts ?? []).forEach((m, i) => {
    if (m.subPath) errs.push(forbidden(`${path}.volumeMounts[${i}].subPath`, 'cannot be set for an Ephemeral Container'));
    if (m.subPathExpr) errs.push(forbidden(`${path}.volumeMounts[${i}].subPathExpr`, 'cannot be set for an Ephemeral Container'));
  });
  return errs;
}

/** Ephemeral containers come only through the ephemeralcontainers subresource (ValidatePodCreate). */
export function validatePodCreate(spec: PodSpec | undefined): FieldError[] {
  const errs = validatePodSpec(spec);
  if (spec && ephemeralSpecs(spec).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

/**
 * The ephemeralcontainers subresource: the stored Pod with only the ephemeral containers taken
 * from the request (dropNonEphemeralContainerUpdates), each defaulted like any container.
 */
export function prepareEphemeralUpdate(next: Pod, prev: Pod): Pod {
  const pod = structuredClone(prev);
  const requested = next.spec?.ephemeralContainers;
  if (requested === undefined || requested === null || (Array.isArray(requested) && requested.length === 0)) {
    delete pod.spec.ephemeralContainers;
    return pod;
  }
  // Whatever shape arrived is validated as it is; only containers are defaulted.
  pod.spec.ephemeralContainers = structuredClone(requested);
  if (Array.isArray(pod.spec.ephemeralContainers)) for (const c of pod.spec.ephemeralContainers) if (isContainerObject(c)) defaultContainer(c);
  return pod;
}

/** ValidatePodEphemeralContainersUpdate: the whole spec valid, and none added before removed or changed. */
export function validateEphemeralContainersUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs = validatePodSpec(next.spec);
  const added = new Map(ephemeralSpecs(next.spec).map((c) => [c.name, c]));
  for (const old of ephemeralSpecs(prev.spec)) {
    const now = added.get(old.name);
    if (!now) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${quote(old.name)} may not be removed\n`));
    else if (stableJson(now) !== stableJson(old)) errs.push(forbidden(`spec.ephemeralContainers[${old.name}]`, `existing ephemeral containers ${quote(old.name)} may not be changed\n`));
  }
  return errs;
}

const UPDATABLE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** What a Pod update may change in spec: images, activeDeadlineSeconds, added tolerations. */
export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const errs = validatePodSpec(next.spec);
  if (errs.length > 0) return errs;
  const a = structuredClone(next.spec);
  const b = structuredClone(prev.spec);
  const copyImages = (x: Container[] | undefined, y: Container[] | undefined) => {
    if (!x || !y || x.length !== y.length) return;
    x.forEach((c, i) => {
      const other = y[i];
      if (other) c.image = other.image;
    });
  };
  copyImages(a.containers, b.containers);
  copyImages(a.initContainers, b.initContainers);
  a.activeDeadlineSeconds = b.activeDeadlineSeconds;
  const prevTolerations = JSON.stringify(b.tolerations ?? []);
  const nextPrefix = JSON.stringify((a.tolerations ?? []).slice(0, (b.tolerations ?? []).length));
  if (prevTolerations === nextPrefix) a.tolerations = b.tolerations;
  if (prev.spec.activeDeadlineSeconds !== undefined && next.spec.activeDeadlineSeconds === undefined)
    // A nil pointer is rendered as the string "null", quoted, by the real field error.
    return [invalid('spec.activeDeadlineSeconds', 'null', 'must not update from a positive integer to nil value')];
  if (prev.spec.activeDeadlineSeconds !== undefined && next.spec.activeDeadlineSeconds !== undefined && next.spec.activeDeadlineSeconds > prev.spec.activeDeadlineSeconds)
    return [invalid('spec.activeDeadlineSeconds', next.spec.activeDeadlineSeconds, 'must be less than or equal to previous value')];
  if (stableJson(a) !== stableJson(b)) return [forbidden('spec', `${UPDATABLE}\n${specDiff(b, a)}`)];
  for (const [i, c] of next.spec.containers.entries()) if (!c.image) errs.push(required(`spec.containers[${i}].image`));
  return errs;
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as object).sort(([x], [y]) => (x < y ? -1 : 1))) : val,
  );
}

/** A short listing of the changed spec fields, in the spirit of the real message's diff. */
function specDiff(before: PodSpec, after: PodSpec): string {
  const lines: string[] = ['  core.PodSpec{'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    const x = stableJson((before as Record<string, unknown>)[k]);
    const y = stableJson((after as Record<string, unknown>)[k]);
    if (x === y) continue;
    const goName = k.charAt(0).toUpperCase() + k.slice(1);
    if (x !== undefined) lines.push(`- \t${goName}: ${x},`);
    if (y !== undefined) lines.push(`+ \t${goName}: ${y},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** The values the supported pod field selectors compare against. */
export function podFields(pod: Pod): Record<string, string> {
  const status = (pod.status ?? {}) as { phase?: string; podIP?: string; podIPs?: { ip: string }[]; nominatedNodeName?: string };
  return {
    'metadata.name': pod.metadata.name ?? '',
    'metadata.namespace': pod.metadata.namespace ?? '',
    'spec.nodeName': pod.spec.nodeName ?? '',
    'spec.restartPolicy': pod.spec.restartPolicy ?? '',
    'spec.schedulerName': pod.spec.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec.hostNetwork ?? false),
    'status.phase': status.phase ?? '',
    'status.podIP': status.podIP ?? '',
    'status.podIPs': status.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': status.nominatedNodeName ?? '',
  };
}
