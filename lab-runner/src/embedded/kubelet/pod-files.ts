// The files a kubelet manages for every container of a Pod: /etc/hosts, /etc/hostname and
// /etc/resolv.conf, written the way a real kubelet (and containerd beneath it) writes them,
// so nothing of the host machine or of the engine shows through. They live in the Pod's own
// directory (`etc-hosts`, as /var/lib/kubelet/pods/<uid>/etc-hosts, and its two siblings),
// which no container can reach, and are bind-mounted read-only into every container.
//
// The Pod's directory is the kubelet's, but it is written only through a descriptor of it and
// O_NOFOLLOW opens of one component (safe-path.ts), so even a planted link could not redirect
// a write.

import { closeSync, constants, fchmodSync, fchownSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../k8s-types.js';
import { childPath, openRoot } from './safe-path.js';
import { podDir } from './volumes.js';

/** The cluster's domain and the address its DNS Service would have (kube-dns's conventional 10.96.0.10). */
const CLUSTER_DOMAIN = 'cluster.local';
const CLUSTER_DNS = '10.96.0.10';

const FILES = { hosts: 'etc-hosts', hostname: 'etc-hostname', resolv: 'etc-resolv.conf' } as const;
const TARGETS = { hosts: '/etc/hosts', hostname: '/etc/hostname', resolv: '/etc/resolv.conf' } as const;

interface HostAlias {
  ip?: string;
  hostnames?: string[];
}

interface DnsConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

/** The Pod's hostname and (with a subdomain) its domain, as the kubelet's GeneratePodHostNameAndDomain. */
function podHostname(pod: Pod): { hostname: string; domain: string | undefined } {
  // The kubelet truncates a Pod name over 63 characters and drops a trailing '-' or '.'.
  const hostname = pod.spec.hostname || (pod.metadata.name ?? 'pod').slice(0, 63).replace(/[-.]+$/, '');
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${CLUSTER_DOMAIN}` : undefined;
  return { hostname, domain };
}

/** The kubelet's managedHostsFileContent. */
function hostsFile(pod: Pod, podIP: string): string {
  const { hostname, domain } = podHostname(pod);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    domain ? `${podIP}\t${hostname}.${domain}\t${hostname}` : `${podIP}\t${hostname}`,
  ];
  const aliases = (pod.spec['hostAliases'] ?? []) as HostAlias[];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const alias of aliases) lines.push(`${alias.ip ?? ''}\t${(alias.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the runtime writes to the sandbox's hostname file: the FQDN with setHostnameAsFQDN. */
function hostnameFile(pod: Pod): string {
  const { hostname, domain } = podHostname(pod);
  return `${pod.spec['setHostnameAsFQDN'] === true && domain ? `${hostname}.${domain}` : hostname}\n`;
}

/**
 * The kubelet's resolv.conf for the Pod's dnsPolicy. ClusterFirst (the default) points at the
 * cluster DNS with the namespace's search path; Default would be the node's own file, and the
 * sandbox node has no upstream resolver, so it holds only what dnsConfig adds (as None does).
 */
function resolvConf(pod: Pod): string {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const clusterFirst = policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet';
  const namespace = pod.metadata.namespace ?? 'default';
  const config = (pod.spec['dnsConfig'] ?? {}) as DnsConfig;
  const nameservers = [...(clusterFirst ? [CLUSTER_DNS] : []), ...(config.nameservers ?? [])];
  const searches = [...(clusterFirst ? [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN] : []), ...(config.searches ?? [])];
  // dnsConfig options replace a base option of the same name (ndots:5 for ClusterFirst).
  const options = new Map<string, string | undefined>(clusterFirst ? [['ndots', '5']] : []);
  for (const option of config.options ?? []) options.set(option.name, option.value);
  const lines: string[] = [];
  if (searches.length) lines.push(`search ${[...new Set(searches)].join(' ')}`);
  for (const server of [...new Set(nameservers)]) lines.push(`nameserver ${server}`);
  if (options.size) lines.push(`options ${[...options].map(([name, value]) => (value === undefined ? name : `${name}:${value}`)).join(' ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function writeFile(dir: ReturnType<typeof openRoot>, name: string, content: string, owner: number): void {
  const fd = openSync(childPath(dir, name), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${name} is not a regular file`);
    fchmodSync(fd, 0o644);
    fchownSync(fd, owner, owner);
    const data = Buffer.from(content);
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the three files into the Pod's directory (again on every call: the content follows the
 * Pod), owned by the container's root: `hostRoot` under a user namespace, as a real kubelet's
 * files show `root root` inside the container; the read-only bind is what refuses writes.
 */
export function writePodFiles(podsDir: string, pod: Pod, podIP: string, hostRoot = 0): void {
  const directory = podDir(podsDir, pod.metadata.uid ?? '');
  mkdirSync(directory, { recursive: true, mode: 0o755 });
  const root = openRoot(directory);
  try {
    writeFile(root, FILES.hosts, hostsFile(pod, podIP), hostRoot);
    writeFile(root, FILES.hostname, hostnameFile(pod), hostRoot);
    writeFile(root, FILES.resolv, resolvConf(pod), hostRoot);
  } finally {
    root.close();
  }
}

/** The read-only binds of the three files for one container (not where it mounts a volume itself, as the kubelet). */
export function podFileBinds(podsDir: string, uid: string, container: Container): string[] {
  const directory = podDir(podsDir, uid);
  const own = new Set((container.volumeMounts ?? []).map((mount) => mount.mountPath.replace(/\/+$/, '')));
  return (Object.keys(FILES) as (keyof typeof FILES)[]).filter((key) => !own.has(TARGETS[key])).map((key) => `${join(directory, FILES[key])}:${TARGETS[key]}:ro`);
}
