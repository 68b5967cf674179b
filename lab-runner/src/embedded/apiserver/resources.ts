// The resources this API server serves, as discovery lists them.

export interface ResourceInfo {
  /** Plural resource name as in URLs, e.g. `pods`; `pods/log` for subresources. */
  name: string;
  singularName: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Schema definition name of the kind (see schema/). */
  definition: string;
  subresource?: boolean;
  /** Field selector names the resource supports (metadata.name and, if namespaced, metadata.namespace always). */
  fieldSelectors: string[];
  storageVersionHash?: string;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const meta = (namespaced: boolean, extra: string[] = []) => ['metadata.name', ...(namespaced ? ['metadata.namespace'] : []), ...extra];

export const PODS: ResourceInfo = {
  name: 'pods',
  singularName: 'pod',
  kind: 'Pod',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: RW,
  shortNames: ['po'],
  categories: ['all'],
  definition: 'core.Pod',
  fieldSelectors: meta(true, [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ]),
  storageVersionHash: 'xPOwRZ+Yhw8=',
};

export const NAMESPACES: ResourceInfo = {
  name: 'namespaces',
  singularName: 'namespace',
  kind: 'Namespace',
  group: '',
  version: 'v1',
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  shortNames: ['ns'],
  definition: 'core.Namespace',
  fieldSelectors: meta(false, ['status.phase']),
  storageVersionHash: 'Q3oi5N2YM8M=',
};

export const EVENTS: ResourceInfo = {
  name: 'events',
  singularName: 'event',
  kind: 'Event',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: RW,
  shortNames: ['ev'],
  definition: 'core.Event',
  fieldSelectors: meta(true, [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ]),
  storageVersionHash: 'r2yiGXH7wu8=',
};

export const NODES: ResourceInfo = {
  name: 'nodes',
  singularName: 'node',
  kind: 'Node',
  group: '',
  version: 'v1',
  namespaced: false,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['no'],
  definition: 'core.Node',
  fieldSelectors: meta(false, ['spec.unschedulable']),
  storageVersionHash: 'XwShjMxG9Fs=',
};

export const CONFIGMAPS: ResourceInfo = {
  name: 'configmaps',
  singularName: 'configmap',
  kind: 'ConfigMap',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: RW,
  shortNames: ['cm'],
  definition: 'core.ConfigMap',
  fieldSelectors: meta(true),
  storageVersionHash: 'qFsyl6wFWjQ=',
};

export const SECRETS: ResourceInfo = {
  name: 'secrets',
  singularName: 'secret',
  kind: 'Secret',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: RW,
  definition: 'core.Secret',
  fieldSelectors: meta(true, ['type']),
  storageVersionHash: 'S6u1pOWzb84=',
};

export const SERVICEACCOUNTS: ResourceInfo = {
  name: 'serviceaccounts',
  singularName: 'serviceaccount',
  kind: 'ServiceAccount',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: RW,
  shortNames: ['sa'],
  definition: 'core.ServiceAccount',
  fieldSelectors: meta(true),
  storageVersionHash: 'pbx9ZvyFpBE=',
};

export const SELF_SUBJECT_ACCESS_REVIEWS: ResourceInfo = {
  name: 'selfsubjectaccessreviews',
  singularName: 'selfsubjectaccessreview',
  kind: 'SelfSubjectAccessReview',
  group: 'authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  verbs: ['create'],
  definition: 'authz.SelfSubjectAccessReview',
  fieldSelectors: [],
};

export const SELF_SUBJECT_REVIEWS: ResourceInfo = {
  name: 'selfsubjectreviews',
  singularName: 'selfsubjectreview',
  kind: 'SelfSubjectReview',
  group: 'authentication.k8s.io',
  version: 'v1',
  namespaced: false,
  verbs: ['create'],
  definition: 'authn.SelfSubjectReview',
  fieldSelectors: [],
};

export const SERVICES: ResourceInfo = {
  name: 'services',
  singularName: 'service',
  kind: 'Service',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['svc'],
  categories: ['all'],
  definition: 'core.Service',
  fieldSelectors: meta(true, ['spec.clusterIP', 'spec.type']),
  storageVersionHash: '0/CO1lhkEBI=',
};

/** The sandbox's quota, derived (read-only) from its shares and live usage: see api-shares.ts. */
export const RESOURCEQUOTAS: ResourceInfo = {
  name: 'resourcequotas',
  singularName: 'resourcequota',
  kind: 'ResourceQuota',
  group: '',
  version: 'v1',
  namespaced: true,
  verbs: ['get', 'list'],
  shortNames: ['quota'],
  definition: 'core.ResourceQuota',
  fieldSelectors: meta(true),
  storageVersionHash: '8uhSgffRX6w=',
};

export const LEASES: ResourceInfo = {
  name: 'leases',
  singularName: 'lease',
  kind: 'Lease',
  group: 'coordination.k8s.io',
  version: 'v1',
  namespaced: true,
  verbs: ['get', 'list'],
  definition: 'coord.Lease',
  fieldSelectors: meta(true),
};

const sub = (parent: ResourceInfo, name: string, kind: string, verbs: string[]): ResourceInfo => ({
  ...parent,
  name: `${parent.name}/${name}`,
  singularName: '',
  kind,
  verbs,
  shortNames: undefined,
  categories: undefined,
  storageVersionHash: undefined,
  subresource: true,
});

/** Every resource of the core group, in discovery order. */
export const CORE_RESOURCES: ResourceInfo[] = [
  CONFIGMAPS,
  EVENTS,
  NAMESPACES,
  sub(NAMESPACES, 'status', 'Namespace', ['get', 'patch', 'update']),
  NODES,
  sub(NODES, 'status', 'Node', ['get']),
  PODS,
  sub(PODS, 'attach', 'PodAttachOptions', ['create', 'get']),
  sub(PODS, 'ephemeralcontainers', 'Pod', ['get', 'patch', 'update']),
  sub(PODS, 'exec', 'PodExecOptions', ['create', 'get']),
  sub(PODS, 'log', 'Pod', ['get']),
  sub(PODS, 'portforward', 'PodPortForwardOptions', ['create', 'get']),
  sub(PODS, 'status', 'Pod', ['get', 'patch', 'update']),
  RESOURCEQUOTAS,
  SECRETS,
  SERVICEACCOUNTS,
  SERVICES,
];

export const AUTHZ_RESOURCES: ResourceInfo[] = [SELF_SUBJECT_ACCESS_REVIEWS];
export const COORDINATION_RESOURCES: ResourceInfo[] = [LEASES];
export const AUTHN_RESOURCES: ResourceInfo[] = [SELF_SUBJECT_REVIEWS];

/** Stored (CRUD) resources by plural name. No prototype: a URL naming `constructor` or `__proto__` finds nothing. */
export const STORED: Record<string, ResourceInfo> = Object.assign(
  Object.create(null) as Record<string, ResourceInfo>,
  Object.fromEntries([PODS, NAMESPACES, EVENTS, NODES, CONFIGMAPS, SECRETS, SERVICEACCOUNTS, SERVICES].map((r) => [r.name, r])),
);
