// How every container of a sandbox is confined on the engine: Pod containers (app, init,
// sidecar), each Pod's infra container and the learner's toolbox alike. Admission
// (admission.ts) decides what a Pod may ask for; this module decides what the engine is told,
// explicitly, so nothing depends on an engine's defaults except the ones named here as kept:
// - capabilities: everything dropped, then exactly the runtime default set minus the dangerous
//   ones (NET_RAW, MKNOD, AUDIT_WRITE) added, adjusted by the Pod's own add (admitted against
//   baseline) and drop;
// - the engine's default seccomp profile (never `seccomp=unconfined`), its masked and
//   read-only /proc and /sys paths (never overridden), no-new-privileges, no devices;
// - a user namespace per sandbox where the engine can do it (Podman with a `containers`
//   subordinate id range; userns-holders.ts), so container root is an unprivileged host uid,
//   unless KUBELAB_USERNS=off.

import type Dockerode from 'dockerode';
import { engineProfile } from '../../engines/profile.js';
import type { SecurityContext } from '../k8s-types.js';
import { BASELINE_CAPABILITIES } from './admission.js';
import { readSubordinatePool, type IdPool } from './userns-holders.js';

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

/**
 * KUBELAB_USERNS as the kubelet reads it: `on` (unset too) or `off`. `auto` is the former
 * opt-in's name and means `on`. Anything else is refused.
 */
export const USERNS_SETTINGS = ['on', 'off', 'auto'] as const;

export function userNamespacesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.KUBELAB_USERNS || 'on';
  if (!(USERNS_SETTINGS as readonly string[]).includes(value)) throw new Error(`KUBELAB_USERNS must be on or off, not ${JSON.stringify(value)}`);
  return value !== 'off';
}

/**
 * The pool of host ids sandbox user namespaces come from, or undefined when containers run
 * in the host's user namespace: KUBELAB_USERNS=off, an engine without per-container user
 * namespaces (the Docker Engine remaps daemon-wide instead: engines/profile.ts), or no
 * `containers` subordinate range (setup-system.sh adds one). Without it, containers are
 * confined by capabilities, seccomp and no-new-privileges alone.
 */
export async function userNamespacePool(docker: Dockerode): Promise<IdPool | undefined> {
  if (!userNamespacesWanted()) return undefined;
  const probe = (probed.get(docker) ?? probed.set(docker, probeEngine(docker)).get(docker)) as Promise<IdPool | undefined>;
  return probe;
}

const probed = new WeakMap<Dockerode, Promise<IdPool | undefined>>();

async function probeEngine(docker: Dockerode): Promise<IdPool | undefined> {
  if ((await engineProfile(docker)).userNamespaces !== 'per-sandbox') return undefined;
  const pool = await readSubordinatePool();
  // Said once per engine client: namespaces are the default, so silence would hide the gap.
  if (!pool) process.emitWarning('sandboxes run without user namespaces: /etc/subuid and /etc/subgid need a `containers` range (scripts/setup-system.sh adds one), or set KUBELAB_USERNS=off');
  return pool;
}
