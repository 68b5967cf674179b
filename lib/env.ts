// The environment, validated by zod where the process starts (prisma/deploy.ts, run by
// `npm start` before the server) and read through `env()` by the app. Every problem is
// reported on its own line naming the variable, all at once.
import path from 'node:path';
import { z } from 'zod';
import { parseTrustedProxies } from './client-address';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, type DatabaseTarget } from './db/database-url';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password';

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
  RUNNER_TOKEN: z.string().min(16, 'RUNNER_TOKEN must be at least 16 characters').optional(),
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

export interface Env extends RawEnv {
  database: DatabaseTarget;
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
  if (problems.length > 0 || !result.success || !database) throw new EnvError(problems);
  const env = result.data;
  if (env.KUBELAB_ADMIN_EMAIL === env.KUBELAB_INSTRUCTOR_EMAIL) {
    throw new EnvError(['KUBELAB_ADMIN_EMAIL and KUBELAB_INSTRUCTOR_EMAIL must differ']);
  }
  return { ...env, database, dataDir: path.resolve(cwd, env.KUBELAB_DATA_DIR) };
}

let cached: Env | undefined;

/** The validated environment of this process (parsed once). Throws EnvError. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
