// A user namespace per sandbox on Podman, with ids the runner hands out itself. Podman's own
// allocator (`--userns=auto`) takes `userns.lock` together with the storage locks, and Podman
// 4.3.1 (Debian 12's) deadlocks there under concurrent creates and exec clean-ups
// (podman#16062, fixed in 4.4): docs/security/privileges.md. Explicit id mappings never touch
// that allocator, so the runner picks each range itself:
// - the pool is the `containers` entry of /etc/subuid and /etc/subgid (setup-system.sh writes it);
// - a range is 65536 ids, taken near the top of the pool (Podman's allocator starts at the
//   bottom, so containers other tools made with `--userns=auto` stay clear of ours);
// - a "holder" container, created through libpod's API with the explicit mapping, keeps the
//   range for its owner's whole life. Its name carries the range, so the engine itself refuses
//   a second holder of the same range, across runners and restarts; its labels say whose it
//   is and which range, so a restarted runner finds it again;
// - the owner's containers join the holder's namespace (`UsernsMode: container:<holder>`):
//   Podman starts the holder (a pause process) with the first of them.

import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { IMAGES } from '../../images/index.js';

/** Ids per sandbox: uids 0..65535, so `runAsUser: 65534` still maps. */
export const USERNS_SIZE = 65536;

/** The first host id of the holder's range: how a restarted runner knows which ranges are taken. */
export const USERNS_BASE_LABEL = 'io.kubelab.userns-base';

/**
 * When a sandbox's container can be removed: the engine refuses one that others still join, so
 * those that join first (0), then Pods' infra containers (1), then user-namespace holders (2).
 */
export function removalStage(labels: Record<string, string | undefined>): 0 | 1 | 2 {
  if (labels[USERNS_BASE_LABEL] !== undefined) return 2;
  return labels['io.kubelab.role'] === 'infra' ? 1 : 0;
}

/** A sandbox's user namespace: how its containers join it, and the host uid its root is. */
export interface HeldUserNamespace {
  /** UsernsMode for the containers that join it. */
  mode: string;
  hostRoot: number;
  holderId: string;
}

export interface IdPool {
  start: number;
  size: number;
}

/** The `containers` range both files grant (their overlap), or undefined when either has none. */
export function subordinatePool(subuid: string, subgid: string): IdPool | undefined {
  const range = (text: string) => {
    const match = /^containers:(\d+):(\d+)$/m.exec(text);
    return match ? { start: Number(match[1]), end: Number(match[1]) + Number(match[2]) } : undefined;
  };
  const [uids, gids] = [range(subuid), range(subgid)];
  if (!uids || !gids) return undefined;
  const start = Math.max(uids.start, gids.start);
  // 2^32-1 is the kernel's "no id": never part of a mapping.
  const end = Math.min(uids.end, gids.end, 2 ** 32 - 1);
  return end - start >= USERNS_SIZE ? { start, size: end - start } : undefined;
}

export async function readSubordinatePool(): Promise<IdPool | undefined> {
  const [subuid, subgid] = await Promise.all(['/etc/subuid', '/etc/subgid'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return subordinatePool(subuid ?? '', subgid ?? '');
}

/**
 * One of the `spread` highest free ranges of the pool, at random (`spread` 1: the highest), or
 * undefined when every range is taken.
 */
export function freeRange(pool: IdPool, taken: ReadonlySet<number>, spread = 1): number | undefined {
  const free: number[] = [];
  for (let base = pool.start + pool.size - USERNS_SIZE; base >= pool.start && free.length < spread; base -= USERNS_SIZE) if (!taken.has(base)) free.push(base);
  return free[Math.floor(Math.random() * free.length)];
}

const ATTEMPTS = 20;
/**
 * Runners claiming at the same moment pick among this many of the highest free ranges, so they
 * rarely pick the same one: with the highest alone, n runners need up to n attempts.
 */
const SPREAD = 16;
/** Ranges this process is creating a holder for: concurrent claims here never collide. */
const claiming = new Set<number>();

/**
 * The user namespace held for `owner` (labels that name it, e.g. a cluster and the holder
 * role): the one a holder already keeps, or a fresh range in a new holder that also carries
 * `labels`. Safe to call again after a restart; never hands one range to two owners.
 */
export async function holdUserNamespace(docker: Dockerode, pool: IdPool, owner: Record<string, string>, labels: Record<string, string>): Promise<HeldUserNamespace> {
  const mine = await docker.listContainers({ all: true, filters: { label: Object.entries(owner).map(([key, value]) => `${key}=${value}`) } });
  const held = mine[0];
  if (held) return joined(held.Id, Number(held.Labels[USERNS_BASE_LABEL]) || (await userNamespaceBase(docker, held.Id)));
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const holders = await docker.listContainers({ all: true, filters: { label: [USERNS_BASE_LABEL] } });
    const base = freeRange(pool, new Set([...holders.map((c) => Number(c.Labels[USERNS_BASE_LABEL])), ...claiming]), SPREAD);
    if (base === undefined) throw new Error(`no free user-namespace range of ${USERNS_SIZE} ids is left in the \`containers\` subordinate ids (${holders.length} held)`);
    claiming.add(base);
    const id = await createHolder(docker, base, { ...labels, ...owner, [USERNS_BASE_LABEL]: String(base) }).finally(() => claiming.delete(base));
    // Another runner (or a concurrent start here) took the range between the list and the create.
    if (id === undefined) continue;
    const mapped = await userNamespaceBase(docker, id);
    // Fails closed: an engine that ignored the mapping would run the sandbox as host root.
    if (mapped !== base) throw new Error(`the engine mapped the user-namespace holder ${id} to ${mapped}, not to ${base}`);
    return joined(id, base);
  }
  throw new Error(`no user-namespace range could be claimed after ${ATTEMPTS} attempts: other holders kept taking the free ones`);
}

const joined = (holderId: string, hostRoot: number): HeldUserNamespace => ({ mode: `container:${holderId}`, hostRoot, holderId });

/** Creates the holder of `base` through libpod's API; undefined when a holder of that range exists. */
async function createHolder(docker: Dockerode, base: number, labels: Record<string, string>): Promise<string | undefined> {
  const mapping = [{ container_id: 0, host_id: base, size: USERNS_SIZE }];
  const spec = {
    name: `kubelab-userns-${base}`,
    image: IMAGES.pause,
    labels,
    userns: { nsmode: 'private' },
    idmappings: { UIDMap: mapping, GIDMap: mapping },
    netns: { nsmode: 'none' },
    // The pause process needs nothing: no capability, no write, little memory.
    cap_drop: ['ALL'],
    no_new_privileges: true,
    read_only_filesystem: true,
    resource_limits: { memory: { limit: 16 * 2 ** 20 }, pids: { limit: 8 } },
  };
  try {
    const created = await libpod<{ Id: string }>(docker, 'POST', '/v4.0.0/libpod/containers/create', spec);
    return created.Id;
  } catch (error) {
    if (/already in use/.test(String((error as Error).message))) return undefined;
    throw error;
  }
}

/** The first host uid a container's root maps to, from libpod's inspect (the Docker API has no field for it). */
export async function userNamespaceBase(docker: Dockerode, containerId: string): Promise<number> {
  const info = await libpod<{ HostConfig?: { IDMappings?: { UidMap?: string[] } } }>(docker, 'GET', `/v4.0.0/libpod/containers/${encodeURIComponent(containerId)}/json`);
  const root = (info.HostConfig?.IDMappings?.UidMap ?? []).map((line) => line.split(':').map(Number)).find(([inside]) => inside === 0);
  const base = root?.[1];
  if (base === undefined || !Number.isInteger(base) || base === 0) throw new Error(`container ${containerId} has no user namespace mapping for root: ${JSON.stringify(info.HostConfig?.IDMappings)}`);
  return base;
}

function libpod<T>(docker: Dockerode, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      { path, method, ...(body === undefined ? {} : { options: body }), statusCodes: { 200: true, 201: true, 404: 'no such container', 409: 'conflict', 500: 'server error' } },
      (error: unknown, data: unknown) => (error ? reject(error as Error) : resolve(data as T)),
    );
  });
}
