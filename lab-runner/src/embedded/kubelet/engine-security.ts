// How every container of a sandbox is confined on the engine: Pod containers (app, init,
// sidecar), each Pod's infra container and the learner's toolbox alike. Admission
// (admission.ts) decides what a Pod may ask for; this module decides what the engine is told,
// explicitly, so nothing depends on an engine's defaults except the ones named here as kept:
// - capabilities: everything dropped, then exactly the runtime default set minus the dangerous
//   ones (NET_RAW, MKNOD, AUDIT_WRITE) added, adjusted by the Pod's own add (admitted against
//   baseline) and drop;
// - the engine's default seccomp profile (never `seccomp=unconfined`), its masked and
//   read-only /proc and /sys paths (never overridden), no-new-privileges, no devices;
// - with KUBELAB_USERNS=auto, a user namespace per sandbox where the engine can do it (Podman
//   with a `containers` subordinate id range), so container root is an unprivileged host uid.

import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { engineProfile } from '../../engines/profile.js';
import type { SecurityContext } from '../k8s-types.js';
import { BASELINE_CAPABILITIES } from './admission.js';

/**
 * What a container holds when its Pod asks for nothing: containerd's and Docker's default set
 * without NET_RAW (raw sockets: spoofing inside the machine), MKNOD and AUDIT_WRITE. Equals
 * Podman's own default. A Pod may add those three back (baseline allows them).
 */
const SANDBOX_DEFAULT_CAPABILITIES: readonly string[] = [...BASELINE_CAPABILITIES].filter((cap) => cap !== 'MKNOD' && cap !== 'AUDIT_WRITE');

const capName = (cap: string) => cap.toUpperCase().replace(/^CAP_/, '');

/**
 * The capabilities a Pod container runs with, the way container runtimes combine the Pod's
 * lists: `drop: [ALL]` starts from nothing, otherwise from the default set less `drop`; then
 * `add`. Admission already refused any `add` outside baseline's list; the filter keeps a Pod
 * that reached the node another way from getting more.
 */
export function podCapabilities(capabilities: SecurityContext['capabilities'], allowed: ReadonlySet<string>): string[] {
  const drop = new Set((capabilities?.drop ?? []).map(capName));
  const base = drop.has('ALL') ? [] : SANDBOX_DEFAULT_CAPABILITIES.filter((cap) => !drop.has(cap));
  const added = (capabilities?.add ?? []).filter((cap) => allowed.has(cap));
  return [...new Set([...base, ...added])].sort();
}

/** The HostConfig confinement of one container holding exactly `capabilities`. */
export function confinement(capabilities: readonly string[]): Dockerode.HostConfig {
  return {
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [...capabilities],
    // Only no-new-privileges: no seccomp= (the engine's default profile stays on) and no
    // apparmor=/label= overrides. MaskedPaths/ReadonlyPaths are left out so the engine's
    // defaults (/proc/kcore, /proc/sysrq-trigger, /proc/sys, ... ) apply.
    SecurityOpt: ['no-new-privileges'],
    Devices: [],
  };
}

/** Size of each sandbox's user namespace: uids 0..65535, so `runAsUser: 65534` still maps. */
const USERNS_SIZE = 65536;

/** KUBELAB_USERNS as the kubelet reads it: `auto` or `off` (unset too); anything else is refused. */
export const USERNS_SETTINGS = ['auto', 'off'] as const;

export function userNamespacesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.KUBELAB_USERNS || 'off';
  if (!(USERNS_SETTINGS as readonly string[]).includes(value)) throw new Error(`KUBELAB_USERNS must be ${USERNS_SETTINGS.join(' or ')}, not ${JSON.stringify(value)}`);
  return value === 'auto';
}

/**
 * Whether containers get their own user namespace: asked for with KUBELAB_USERNS=auto, and
 * possible on Podman running as root with a subordinate id range for the `containers` user
 * (setup-system.sh adds it). Opt-in because Podman 4.3.1 (Debian 12's) deadlocks its storage
 * under concurrent `--userns=auto` creates and exec clean-ups (podman#16062, fixed in 4.4):
 * docs/security/privileges.md. Without it, containers are confined by capabilities, seccomp
 * and no-new-privileges alone.
 */
export async function engineSupportsUserNamespaces(docker: Dockerode): Promise<boolean> {
  if (!userNamespacesWanted()) return false;
  const probe = (probed.get(docker) ?? probed.set(docker, probeEngine(docker)).get(docker)) as Promise<boolean>;
  return probe;
}

const probed = new WeakMap<Dockerode, Promise<boolean>>();

async function probeEngine(docker: Dockerode): Promise<boolean> {
  if ((await engineProfile(docker)).userNamespaces !== 'per-sandbox') return false;
  const ranges = await Promise.all(['/etc/subuid', '/etc/subgid'].map((file) => readFile(file, 'utf8').catch(() => '')));
  const ok = ranges.every((text) => /^containers:\d+:\d+$/m.test(text));
  // Said once per engine client: the operator asked for namespaces, so silence would hide the gap.
  if (!ok) process.emitWarning('KUBELAB_USERNS=auto, but sandboxes run without user namespaces: /etc/subuid and /etc/subgid need a `containers` range (scripts/setup-system.sh adds one)');
  return ok;
}

/** Podman's `--userns=auto` with room for the usual uids: a fresh range no other container holds. */
export const FRESH_USERNS = `auto:size=${USERNS_SIZE}`;

/** Podman's `--userns=auto` pinned to a range: every container of a sandbox shares the same ids. */
export const pinnedUserns = (hostBase: number): string => `auto:uidmapping=0:${hostBase}:${USERNS_SIZE},gidmapping=0:${hostBase}:${USERNS_SIZE}`;

/** The first host uid a container's root maps to, from Podman's own inspect (the Docker API has no field for it). */
export async function userNamespaceBase(docker: Dockerode, containerId: string): Promise<number> {
  const info = await new Promise<{ HostConfig?: { IDMappings?: { UidMap?: string[] } } }>((resolve, reject) => {
    docker.modem.dial(
      { path: `/v4.0.0/libpod/containers/${encodeURIComponent(containerId)}/json`, method: 'GET', statusCodes: { 200: true, 404: 'no such container', 500: 'server error' } },
      (error: unknown, data: unknown) => (error ? reject(error as Error) : resolve(data as { HostConfig?: { IDMappings?: { UidMap?: string[] } } })),
    );
  });
  const root = (info.HostConfig?.IDMappings?.UidMap ?? []).map((line) => line.split(':').map(Number)).find(([inside]) => inside === 0);
  const base = root?.[1];
  if (base === undefined || !Number.isInteger(base) || base === 0) throw new Error(`container ${containerId} has no user namespace mapping for root: ${JSON.stringify(info.HostConfig?.IDMappings)}`);
  return base;
}
