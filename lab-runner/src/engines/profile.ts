// Where the two container engines the embedded provider runs on differ, and why: Podman 4.3
// (its Docker-compatible API, the default) and the Docker Engine 20.10 (Debian's docker.io).
// Both speak the Docker API that dockerode talks, and almost everything the kubelet and the
// toolbox do is the same call on both; the few places where an engine behaves differently read
// the profile below instead of asking "is this Docker?" themselves. docs/engines.md is the
// prose version, with how each difference was measured.
//
// The profile is found from the engine itself (`GET /version`), never from configuration
// alone: a runner configured for one engine whose socket answers as the other is refused at
// start (engine-check.ts), and the kubelet, which only holds a socket, still knows which
// engine it drives.

import type Dockerode from 'dockerode';

export const ENGINE_NAMES = ['podman', 'docker'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Where setup-system.sh starts each engine's API (docs/engines.md). */
export const DEFAULT_ENGINE_SOCKETS: Record<EngineName, string> = {
  podman: '/run/kubelab/podman.sock',
  docker: '/run/kubelab/docker.sock',
};

export const ENGINE_TITLES: Record<EngineName, string> = { podman: 'Podman', docker: 'the Docker Engine' };

/** How to get each engine running, said when its socket does not answer. */
export const ENGINE_START_HINTS: Record<EngineName, string> = {
  podman: "start it with `npm start` (it installs and starts Podman's API service there)",
  docker:
    'start it with `KUBELAB_ENGINE=docker npm start` (as root it installs docker.io and starts dockerd there, without touching the host network; its log is data/logs/dockerd.log)',
};

export interface EngineProfile {
  name: EngineName;
  /** The engine's own version, as the node's containerRuntimeVersion shows it (`docker://20.10.24`). */
  runtimeVersion: string;
  /**
   * How container root maps to host ids:
   * - 'per-sandbox' (Podman, opt-in with KUBELAB_USERNS=auto): Podman hands out disjoint id
   *   ranges per container (`--userns=auto`, from the `containers` subordinate ids), and the
   *   kubelet pins every container of a sandbox to its own range;
   * - 'daemon-wide' (the Docker Engine started with `--userns-remap`, as setup-system.sh does):
   *   Docker has no per-container user namespaces (its UsernsMode knows only "host"), just one
   *   remapping for every container of the daemon, always on. Container root is the
   *   unprivileged `remapRoot` on the host, the same uid in every sandbox: what keeps sandboxes
   *   apart is then their own pid, mount, network, IPC and UTS namespaces and cgroups, not
   *   distinct uids (docs/engines.md);
   * - 'none': container root is host root, confined by capabilities, seccomp and
   *   no-new-privileges (docs/security/privileges.md).
   */
  userNamespaces: 'per-sandbox' | 'daemon-wide' | 'none';
  /** With 'daemon-wide', the host uid (and gid) container root maps to. */
  remapRoot: number | undefined;
  /**
   * `POST /images/create?fromSrc=-&repo=R&tag=T`: Docker tags R:T; Podman ignores the tag and
   * tags R:latest, which the image builder then removes again.
   */
  importIgnoresTag: boolean;
  /**
   * Podman keeps a monitor process (conmon) per exec inside the container's cgroup for its
   * exit_command_delay, so a sandbox cgroup stays busy after its containers are gone and its
   * removal is tried again later. Docker's exec processes live in containerd's shim, outside
   * the sandbox cgroup: the cgroup is empty when the last container is removed.
   */
  execMonitorsLingerInCgroup: boolean;
  /** The log driver that rotates at `max-size` when none is named: k8s-file (Podman), json-file (Docker). */
  logDriver: string;
}

interface VersionAnswer {
  Version?: string;
  ApiVersion?: string;
  Components?: { Name?: string; Version?: string }[];
}

interface InfoAnswer {
  SecurityOptions?: string[];
  DockerRootDir?: string;
}

/** Docker's remapped root: with `--userns-remap` the data root gets a `<uid>.<gid>` level. */
function remapRootOf(info: InfoAnswer | undefined): number | undefined {
  if (!info?.SecurityOptions?.includes('name=userns')) return undefined;
  const match = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? '');
  const uid = Number(match?.[1]);
  // Fails closed: a remapping whose root cannot be told would leave volumes unwritable, and
  // root 0 would mean no remapping at all.
  if (!match || match[1] !== match[2] || !Number.isInteger(uid) || uid === 0) {
    throw new Error(`the Docker Engine remaps user namespaces but its data root ${info.DockerRootDir} does not name the remapped root as <uid>.<gid>`);
  }
  return uid;
}

/**
 * Which engine answered `GET /version` (Podman names itself among the components) and, for the
 * Docker Engine, how `GET /info` says it maps users.
 */
export function profileFromVersion(version: VersionAnswer, info?: InfoAnswer): EngineProfile {
  const podman = (version.Components ?? []).find((c) => /podman/i.test(c.Name ?? ''));
  if (podman) {
    return {
      name: 'podman',
      runtimeVersion: `podman://${podman.Version ?? version.Version ?? 'unknown'}`,
      userNamespaces: 'per-sandbox',
      remapRoot: undefined,
      importIgnoresTag: true,
      execMonitorsLingerInCgroup: true,
      logDriver: 'k8s-file',
    };
  }
  return {
    name: 'docker',
    // Debian's build says `20.10.24+dfsg1`; the packaging suffix is no part of the version.
    runtimeVersion: `docker://${(version.Version ?? 'unknown').replace(/\+.*$/, '')}`,
    userNamespaces: remapRootOf(info) === undefined ? 'none' : 'daemon-wide',
    remapRoot: remapRootOf(info),
    importIgnoresTag: false,
    execMonitorsLingerInCgroup: false,
    logDriver: 'json-file',
  };
}

const profiles = new WeakMap<Dockerode, Promise<EngineProfile>>();

/** The profile of the engine behind `docker`, asked once per client. */
export function engineProfile(docker: Dockerode): Promise<EngineProfile> {
  let profile = profiles.get(docker);
  if (!profile) {
    profile = Promise.all([docker.version() as Promise<VersionAnswer>, docker.info() as Promise<InfoAnswer>]).then(([version, info]) => profileFromVersion(version, info));
    // A failed probe (engine not up yet) is asked again next time.
    profile.catch(() => profiles.delete(docker));
    profiles.set(docker, profile);
  }
  return profile;
}
