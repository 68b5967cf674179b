// The runner's configuration, read once from the environment where the process starts.
// Every problem is reported as its own line naming the variable, so a bad deployment says
// exactly what to fix.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_API_SHARES, type ApiShareLimits } from './embedded/apiserver/api-shares.js';
import { DEFAULT_DISK_SHARES, type DiskShares } from './embedded/kubelet/eviction.js';
import { USERNS_SETTINGS } from './embedded/kubelet/engine-security.js';
import { DEFAULT_ENGINE_SOCKETS, ENGINE_NAMES, type EngineName } from './engines/profile.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const numberFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'each entry must be an origin like http://localhost:3000 (scheme, host, optional port; no path)');

const EnvSchema = z.object({
  RUNNER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  RUNNER_PORT: intFrom(0, 65535).default(4000),
  RUNNER_TOKEN: z
    .string({ error: 'is required (the bearer token the web app sends)' })
    .min(16, 'must be at least 16 characters'),
  RUNNER_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  RUNNER_PREVIEW_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((value) => /^https?:\/\/\{id\}\.[^/]+$/.test(value.replace(/\/$/, '')), 'must be an origin whose host starts with {id}., e.g. https://{id}.preview.example.com')
    .optional(),
  RUNNER_ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:3000,http://127.0.0.1:3000')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, 'must list at least one origin')),
  RUNNER_PROVIDER: z.enum(['embedded', 'kind']).default('embedded'),
  // The kind provider's (docs/engines.md): its CLI, node image and how long a new node may take.
  KIND_PATH: z.string().trim().regex(/^\//, 'must be an absolute path to the kind binary').optional(),
  KIND_NODE_IMAGE: z.string().trim().min(1).optional(),
  RUNNER_KIND_NODE_READY_SECONDS: intFrom(5, 3600).default(120),
  RUNNER_STATE_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'data', 'lab-runner')),
  RUNNER_EXERCISES_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'exercises')),
  RUNNER_EMBEDDED_PORT: intFrom(0, 65535).default(0),
  RUNNER_ENGINE: z.enum(ENGINE_NAMES, { error: `must be ${ENGINE_NAMES.join(' or ')} (the container engine the Pods run on)` }).default('podman'),
  // Read by the kubelet itself (engine-security.ts); validated here so a typo stops the start.
  KUBELAB_USERNS: z.enum(USERNS_SETTINGS, { error: 'must be on or off (a user namespace per sandbox, the default, or none)' }).optional(),
  // An engine whose _ping answers but whose container list takes longer than this is wedged (engines/engine-watchdog.ts).
  RUNNER_ENGINE_WEDGE_SECONDS: intFrom(2, 600).default(20),
  // Unset: the chosen engine's own socket under /run/kubelab (setup-system.sh starts it there).
  DOCKER_HOST: z
    .string()
    .regex(/^unix:\/\//, 'must be a unix:// socket address')
    .optional(),
  RUNNER_IDLE_TIMEOUT_SECONDS: intFrom(30, 7 * 24 * 3600).default(1800),
  RUNNER_MAX_LIFETIME_SECONDS: intFrom(60, 30 * 24 * 3600).default(4 * 3600),
  RUNNER_MAX_SANDBOXES: intFrom(1, 10_000).default(100),
  RUNNER_MAX_SANDBOXES_PER_OWNER: intFrom(1, 1000).default(3),
  RUNNER_WARM_POOL_SIZE: intFrom(0, 100).default(1),
  RUNNER_SHELL_TICKET_TTL_SECONDS: intFrom(1, 600).default(60),
  RUNNER_SCROLLBACK_BYTES: intFrom(1024, 4 * 1024 * 1024).default(64 * 1024),
  RUNNER_SHELL_GRACE_SECONDS: intFrom(1, 3600).default(120),
  RUNNER_TOOLBOX_MEMORY_MB: intFrom(32, 16_384).default(256),
  RUNNER_TOOLBOX_PIDS: intFrom(16, 100_000).default(256),
  RUNNER_TOOLBOX_CPUS: numberFrom(0.05, 64).default(1),
  RUNNER_SANDBOX_MEMORY_MB: intFrom(64, 65_536).default(1024),
  RUNNER_SANDBOX_PIDS: intFrom(16, 100_000).default(512),
  RUNNER_SANDBOX_CPUS: numberFrom(0.05, 64).default(1),
  RUNNER_SANDBOX_CGROUP_PARENT: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'must be a relative cgroup path such as kubelab (no leading "/", no "..")')
    .refine((v) => !v.split('/').includes('..'), 'must not contain ".."')
    .default('kubelab'),
  RUNNER_API_OBJECTS_PER_KIND: intFrom(10, 1_000_000).default(DEFAULT_API_SHARES.objectsPerKind),
  RUNNER_API_STORED_MB: intFrom(1, 4096).default(DEFAULT_API_SHARES.storedBytes / (1024 * 1024)),
  RUNNER_API_MAX_BODY_BYTES: intFrom(64 * 1024, 64 * 1024 * 1024).default(DEFAULT_API_SHARES.maxBodyBytes),
  RUNNER_API_WATCHES: intFrom(1, 10_000).default(DEFAULT_API_SHARES.watches),
  RUNNER_API_STREAMS: intFrom(1, 10_000).default(DEFAULT_API_SHARES.streams),
  RUNNER_API_QPS: intFrom(1, 100_000).default(DEFAULT_API_SHARES.requestsPerSecond),
  RUNNER_API_BURST: intFrom(1, 1_000_000).default(DEFAULT_API_SHARES.burst),
  RUNNER_EMPTYDIR_DEFAULT_MB: intFrom(1, 1_048_576).default(DEFAULT_DISK_SHARES.emptyDirBytes / (1024 * 1024)),
  RUNNER_CONTAINER_WRITABLE_MB: intFrom(1, 1_048_576).default(DEFAULT_DISK_SHARES.writableLayerBytes / (1024 * 1024)),
  RUNNER_NODE_DIR_MB: intFrom(1, 1_048_576).default(DEFAULT_DISK_SHARES.nodeDirBytes / (1024 * 1024)),
  RUNNER_CONTAINER_LOG_MAX_MB: intFrom(1, 1024).default(DEFAULT_DISK_SHARES.containerLogBytes / (1024 * 1024)),
  RUNNER_EVICTION_INTERVAL_SECONDS: intFrom(1, 3600).default(DEFAULT_DISK_SHARES.intervalMs / 1000),
  RUNNER_SANDBOX_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,15}-$/, 'must be 1-16 lower-case letters or digits (starting with a letter) followed by "-", e.g. sb-')
    .default('sb-'),
  RUNNER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  RUNNER_SHUTDOWN_DRAIN_MS: intFrom(0, 120_000).default(10_000),
});

const ALIASES: [string, string][] = [
  ['RUNNER_STATE_DIR', 'KUBELAB_STATE_DIR'],
  ['RUNNER_EXERCISES_DIR', 'KUBELAB_EXERCISES_DIR'],
  ['RUNNER_ENGINE', 'KUBELAB_ENGINE'],
];

export interface RunnerConfig {
  host: string;
  port: number;
  token: string;
  /**
   * The runner's address as browsers reach it (RUNNER_PUBLIC_URL; shell-ticket and preview URLs
   * are built on it). Unset: the address it listens on. Never RUNNER_URL: that is the web app's
   * address for the runner, server to server, often one no browser can reach.
   */
  publicUrl: string | undefined;
  /**
   * The web preview origin, `{id}` standing for a preview id (each preview is an origin of its
   * own). Unset: `{id}.preview.localhost` on the runner's own scheme and port, which browsers
   * resolve to loopback.
   */
  previewUrl: string | undefined;
  allowedOrigins: string[];
  provider: 'embedded' | 'kind';
  /** The kind provider's CLI (unset: `kind` on PATH), node image (unset: kind's default) and Ready timeout. */
  kind: { path: string | undefined; nodeImage: string | undefined; nodeReadyTimeoutMs: number };
  stateDir: string;
  exercisesDir: string;
  embeddedPort: number;
  /** The container engine the Pods and toolboxes run on (docs/engines.md). */
  engine: EngineName;
  /** That engine's Docker-API socket. */
  dockerSocketPath: string;
  /** A container list slower than this (with `_ping` answering) means the engine is wedged. */
  engineWedgeSeconds: number;
  idleTimeoutSeconds: number;
  maxLifetimeSeconds: number;
  maxSandboxes: number;
  maxSandboxesPerOwner: number;
  warmPoolSize: number;
  shellTicketTtlSeconds: number;
  scrollbackBytes: number;
  /** How long a shell keeps running with no browser attached, for a reload or a dropped connection to come back to it. */
  shellGraceSeconds: number;
  toolbox: { memoryBytes: number; pids: number; cpus: number };
  sandboxLimits: { memoryBytes: number; pids: number; cpus: number };
  /** Sandbox cgroups live under /sys/fs/cgroup[/<controller>]/<this>/<sandbox>. */
  sandboxCgroupParent: string;
  /** Each sandbox's share of the API server (docs/security/shares.md). */
  apiShares: ApiShareLimits;
  /** Each sandbox's disk shares, enforced by the kubelet's eviction (docs/security/shares.md). */
  diskShares: DiskShares;
  /** Sandbox ids start with this; start-up cleanup only touches ids with it (several runners may share an engine). */
  sandboxPrefix: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  shutdownDrainMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid lab-runner configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every problem (one line each). */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): RunnerConfig {
  // Only the runner's own variables are read (by name, so each one read is one listed here);
  // empty strings mean "unset", as in most deployment tools.
  const names = [...Object.keys(EnvSchema.shape), ...ALIASES.map(([, platformName]) => platformName)];
  const present: Record<string, string> = Object.fromEntries(
    names.map((name) => [name, env[name]] as const).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  // The platform scripts name the shared directories KUBELAB_*; the runner's own names win.
  for (const [runnerName, platformName] of ALIASES) {
    const value = present[platformName];
    if (present[runnerName] === undefined && value !== undefined) present[runnerName] = value;
  }
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.RUNNER_MAX_SANDBOXES_PER_OWNER > e.RUNNER_MAX_SANDBOXES) {
    throw new ConfigError(['RUNNER_MAX_SANDBOXES_PER_OWNER: must not exceed RUNNER_MAX_SANDBOXES']);
  }
  const mb = 1024 * 1024;
  return {
    host: e.RUNNER_HOST,
    port: e.RUNNER_PORT,
    token: e.RUNNER_TOKEN,
    publicUrl: e.RUNNER_PUBLIC_URL,
    previewUrl: e.RUNNER_PREVIEW_URL,
    allowedOrigins: e.RUNNER_ALLOWED_ORIGINS,
    provider: e.RUNNER_PROVIDER,
    kind: { path: e.KIND_PATH, nodeImage: e.KIND_NODE_IMAGE, nodeReadyTimeoutMs: e.RUNNER_KIND_NODE_READY_SECONDS * 1000 },
    stateDir: path.resolve(e.RUNNER_STATE_DIR),
    exercisesDir: path.resolve(e.RUNNER_EXERCISES_DIR),
    embeddedPort: e.RUNNER_EMBEDDED_PORT,
    engine: e.RUNNER_ENGINE,
    dockerSocketPath: e.DOCKER_HOST ? e.DOCKER_HOST.slice('unix://'.length) : DEFAULT_ENGINE_SOCKETS[e.RUNNER_ENGINE],
    engineWedgeSeconds: e.RUNNER_ENGINE_WEDGE_SECONDS,
    idleTimeoutSeconds: e.RUNNER_IDLE_TIMEOUT_SECONDS,
    maxLifetimeSeconds: e.RUNNER_MAX_LIFETIME_SECONDS,
    maxSandboxes: e.RUNNER_MAX_SANDBOXES,
    maxSandboxesPerOwner: e.RUNNER_MAX_SANDBOXES_PER_OWNER,
    warmPoolSize: e.RUNNER_WARM_POOL_SIZE,
    shellTicketTtlSeconds: e.RUNNER_SHELL_TICKET_TTL_SECONDS,
    scrollbackBytes: e.RUNNER_SCROLLBACK_BYTES,
    shellGraceSeconds: e.RUNNER_SHELL_GRACE_SECONDS,
    toolbox: { memoryBytes: e.RUNNER_TOOLBOX_MEMORY_MB * mb, pids: e.RUNNER_TOOLBOX_PIDS, cpus: e.RUNNER_TOOLBOX_CPUS },
    sandboxLimits: { memoryBytes: e.RUNNER_SANDBOX_MEMORY_MB * mb, pids: e.RUNNER_SANDBOX_PIDS, cpus: e.RUNNER_SANDBOX_CPUS },
    sandboxCgroupParent: e.RUNNER_SANDBOX_CGROUP_PARENT,
    apiShares: {
      objectsPerKind: e.RUNNER_API_OBJECTS_PER_KIND,
      storedBytes: e.RUNNER_API_STORED_MB * mb,
      maxBodyBytes: e.RUNNER_API_MAX_BODY_BYTES,
      watches: e.RUNNER_API_WATCHES,
      streams: e.RUNNER_API_STREAMS,
      requestsPerSecond: e.RUNNER_API_QPS,
      burst: e.RUNNER_API_BURST,
    },
    diskShares: {
      emptyDirBytes: e.RUNNER_EMPTYDIR_DEFAULT_MB * mb,
      writableLayerBytes: e.RUNNER_CONTAINER_WRITABLE_MB * mb,
      nodeDirBytes: e.RUNNER_NODE_DIR_MB * mb,
      containerLogBytes: e.RUNNER_CONTAINER_LOG_MAX_MB * mb,
      intervalMs: e.RUNNER_EVICTION_INTERVAL_SECONDS * 1000,
    },
    sandboxPrefix: e.RUNNER_SANDBOX_PREFIX,
    logLevel: e.RUNNER_LOG_LEVEL,
    shutdownDrainMs: e.RUNNER_SHUTDOWN_DRAIN_MS,
  };
}
