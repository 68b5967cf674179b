// The environment, validated by zod where the process starts (prisma/deploy.ts, run by
// `npm start` before the server) and read through `env()` by the app. Every problem is
// reported on its own line naming the variable, all at once.
import path from 'node:path';
import { z } from 'zod';
import { parseTrustedProxies } from './client-address';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseTarget } from './db/database-url';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password';
import { splitList } from './runner/public-url';

const booleanString = (name: string, fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`)
    .default(fallback);

const email = (name: string, fallback: string) =>
  z.email({ error: `${name} must be an email address` }).default(fallback).transform((e) => e.toLowerCase());

const seedPassword = (name: string) =>
  z
    .string()
    .min(PASSWORD_MIN_LENGTH, `${name} must be at least ${PASSWORD_MIN_LENGTH} characters (or unset it to have one generated)`)
    .max(PASSWORD_MAX_LENGTH, `${name} must be at most ${PASSWORD_MAX_LENGTH} characters`)
    .optional();

const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port('PORT', 3000),
  RUNNER_PORT: port('RUNNER_PORT', 4000),
  RUNNER_URL: z
    .url({ protocol: /^https?$/, error: 'RUNNER_URL must be an http(s) URL such as http://127.0.0.1:4000' })
    .default('http://127.0.0.1:4000'),
  // Where browsers reach the runner (lib/runner/public-url.ts); RUNNER_URL is this server's address for it.
  RUNNER_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'RUNNER_PUBLIC_URL must be an http(s) URL such as https://runner.labs.example.com' })
    .optional(),
  RUNNER_TOKEN: z.string().min(16, 'RUNNER_TOKEN must be at least 16 characters').optional(),
  // Several runners: comma-separated URLs (wins over RUNNER_URL), and optionally a token for each
  // in the same order (an empty entry uses RUNNER_TOKEN). Checked in runnerEndpoints below.
  RUNNER_URLS: z.string().optional(),
  RUNNER_TOKENS: z.string().optional(),
  // Browsers' address for each RUNNER_URLS entry, in the same order (lib/runner/public-url.ts).
  RUNNER_PUBLIC_URLS: z.string().optional(),
  RUNNER_CHECK_SECONDS: z.coerce
    .number({ error: 'RUNNER_CHECK_SECONDS must be a whole number of seconds' })
    .int('RUNNER_CHECK_SECONDS must be a whole number of seconds')
    .min(1, 'RUNNER_CHECK_SECONDS must be at least 1')
    .max(3600, 'RUNNER_CHECK_SECONDS must be at most 3600')
    .default(15),
  DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 33`)').optional(),
  AUTH_TRUST_HOST: booleanString('AUTH_TRUST_HOST', true),
  KUBELAB_DATA_DIR: z.string().min(1).default('data'),
  KUBELAB_ADMIN_EMAIL: email('KUBELAB_ADMIN_EMAIL', 'admin@kubelab.local'),
  KUBELAB_ADMIN_PASSWORD: seedPassword('KUBELAB_ADMIN_PASSWORD'),
  KUBELAB_INSTRUCTOR_EMAIL: email('KUBELAB_INSTRUCTOR_EMAIL', 'instructor@kubelab.local'),
  KUBELAB_INSTRUCTOR_PASSWORD: seedPassword('KUBELAB_INSTRUCTOR_PASSWORD'),
  SIGNUP_OPEN: booleanString('SIGNUP_OPEN', true),
  SIGNUP_LIMIT_PER_ADDRESS: z.coerce
    .number({ error: 'SIGNUP_LIMIT_PER_ADDRESS must be a whole number of sign-ups per hour' })
    .int('SIGNUP_LIMIT_PER_ADDRESS must be a whole number of sign-ups per hour')
    .min(1, 'SIGNUP_LIMIT_PER_ADDRESS must be at least 1')
    .default(20),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix|tcp|npipe):\/\//, 'DOCKER_HOST must look like unix:///path/to/docker.sock or tcp://127.0.0.1:2375')
    .optional(),
  KUBELAB_STATE_DIR: z.string().min(1).optional(),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
});

type RawEnv = z.output<typeof schema>;

/** A runner the web app places sandboxes on; `token` is unset only when RUNNER_TOKEN is. */
export interface RunnerEndpoint {
  url: string;
  token: string | undefined;
}

export interface Env extends RawEnv {
  database: DatabaseTarget;
  /** RUNNER_URLS with their tokens, or RUNNER_URL alone: at least one, no two alike. */
  runnerEndpoints: RunnerEndpoint[];
  /** Absolute path of the data directory (SQLite file, generated secrets, seed credentials). */
  dataDir: string;
}

export class EnvError extends Error {
  readonly code = 'ENV_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function parseEnv(source: Record<string, string | undefined>, cwd: string = process.cwd()): Env {
  const input = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, emptyAsUnset(source[k])]));
  const result = schema.safeParse(input);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '');
      // Messages above already name their variable; zod's generic ones get the name prefixed.
      problems.push(issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }
  let database: DatabaseTarget | undefined;
  try {
    database = parseDatabaseUrl(emptyAsUnset(source.DATABASE_URL) === undefined ? DEFAULT_DATABASE_URL : String(source.DATABASE_URL), cwd);
  } catch (e) {
    problems.push(`DATABASE_URL: ${(e as Error).message}`);
  }
  const runners = result.success ? runnerEndpoints(result.data, problems) : [];
  if (problems.length > 0 || !result.success || !database) throw new EnvError(problems);
  const env = result.data;
  if (env.KUBELAB_ADMIN_EMAIL === env.KUBELAB_INSTRUCTOR_EMAIL) {
    throw new EnvError(['KUBELAB_ADMIN_EMAIL and KUBELAB_INSTRUCTOR_EMAIL must differ']);
  }
  return { ...env, database, runnerEndpoints: runners, dataDir: path.resolve(cwd, env.KUBELAB_DATA_DIR) };
}

/** The runners of RUNNER_URLS (with RUNNER_TOKENS), else RUNNER_URL; problems are pushed, named. */
function runnerEndpoints(e: RawEnv, problems: string[]): RunnerEndpoint[] {
  if (e.RUNNER_URLS === undefined) {
    if (e.RUNNER_TOKENS !== undefined) problems.push('RUNNER_TOKENS needs RUNNER_URLS (one token per URL, in the same order)');
    if (e.RUNNER_PUBLIC_URLS !== undefined) problems.push('RUNNER_PUBLIC_URLS needs RUNNER_URLS (one browser address per URL, in the same order); one runner takes RUNNER_PUBLIC_URL');
    return [{ url: new URL(e.RUNNER_URL).origin, token: e.RUNNER_TOKEN }];
  }
  const urls = splitList(e.RUNNER_URLS);
  const tokens = e.RUNNER_TOKENS === undefined ? [] : splitList(e.RUNNER_TOKENS);
  if (tokens.length > 0 && tokens.length !== urls.length) {
    problems.push(`RUNNER_TOKENS has ${tokens.length} entries for ${urls.length} RUNNER_URLS; give one per URL (empty for RUNNER_TOKEN)`);
  }
  const publics = e.RUNNER_PUBLIC_URLS === undefined ? [] : splitList(e.RUNNER_PUBLIC_URLS);
  if (publics.length > 0 && publics.length !== urls.length) {
    problems.push(`RUNNER_PUBLIC_URLS has ${publics.length} entries for ${urls.length} RUNNER_URLS; give one per URL (empty for a runner browsers reach at its RUNNER_URLS entry)`);
  }
  const seen = new Set<string>();
  const endpoints: RunnerEndpoint[] = [];
  urls.forEach((raw, i) => {
    const parsed = z.url({ protocol: /^https?$/ }).safeParse(raw);
    if (!parsed.success) {
      problems.push(`RUNNER_URLS entry ${i + 1} (${JSON.stringify(raw.slice(0, 100))}) must be an http(s) URL such as http://10.0.0.5:4000`);
      return;
    }
    // One runner, one row: http://h:4000 and http://h:4000/ are the same runner.
    const url = new URL(parsed.data).origin;
    if (seen.has(url)) problems.push(`RUNNER_URLS lists ${url} twice`);
    seen.add(url);
    const token = tokens[i] || e.RUNNER_TOKEN;
    if (tokens[i] && tokens[i].length < 16) problems.push(`RUNNER_TOKENS entry ${i + 1} must be at least 16 characters`);
    if (publics[i] && !z.url({ protocol: /^https?$/ }).safeParse(publics[i]).success) {
      problems.push(`RUNNER_PUBLIC_URLS entry ${i + 1} must be an http(s) URL such as https://runner-2.labs.example.com`);
    }
    endpoints.push({ url, token });
  });
  return endpoints;
}

let cached: Env | undefined;

/** The validated environment of this process (parsed once). Throws EnvError. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
