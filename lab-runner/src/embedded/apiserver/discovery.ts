// Discovery documents: /version, /api, /api/v1, /apis and the authorization group, in the
// legacy (unaggregated) JSON form that every kubectl version 1.27–1.33 understands.

import { AUTHN_RESOURCES, AUTHZ_RESOURCES, COORDINATION_RESOURCES, CORE_RESOURCES, type ResourceInfo } from './resources.js';

export const VERSION_INFO = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.1',
  gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T08:19:08Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

function resourceEntry(r: ResourceInfo) {
  return {
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.storageVersionHash ? { storageVersionHash: r.storageVersionHash } : {}),
  };
}

export const coreResourceList = () => ({
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: CORE_RESOURCES.map(resourceEntry),
});

const AUTHZ_GROUP = {
  name: 'authorization.k8s.io',
  versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
};

const COORDINATION_GROUP = {
  name: 'coordination.k8s.io',
  versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' },
};

const AUTHN_GROUP = {
  name: 'authentication.k8s.io',
  // v1beta1 too: kubectl 1.27's `auth whoami` knows only the beta.
  versions: [
    { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
    { groupVersion: 'authentication.k8s.io/v1beta1', version: 'v1beta1' },
  ],
  preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
};

export const apiGroupList = () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [AUTHN_GROUP, AUTHZ_GROUP, COORDINATION_GROUP] });
export const authnGroup = () => ({ kind: 'APIGroup', apiVersion: 'v1', ...AUTHN_GROUP });
export const authnResourceList = (version: 'v1' | 'v1beta1') => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `authentication.k8s.io/${version}`,
  resources: AUTHN_RESOURCES.map(resourceEntry),
});
export const coordinationGroup = () => ({ kind: 'APIGroup', apiVersion: 'v1', ...COORDINATION_GROUP });
export const coordinationResourceList = () => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'coordination.k8s.io/v1',
  resources: COORDINATION_RESOURCES.map(resourceEntry),
});
export const authzGroup = () => ({ kind: 'APIGroup', apiVersion: 'v1', ...AUTHZ_GROUP });
export const authzResourceList = () => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: AUTHZ_RESOURCES.map(resourceEntry),
});
