// .env.example is the one list of settings: every variable the web app (lib/env.ts) or the
// lab-runner (lab-runner/src/config.ts) reads is in it with a comment, and the values it shows
// are the defaults (parsing the file gives what parsing an empty environment gives).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lab-runner/src/config.js';
import { parseEnv } from './env';

const ROOT = path.resolve(__dirname, '..');
const lines = readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n');
const listed = new Map<string, { value: string; comment: string | undefined }>();
lines.forEach((line, i) => {
  const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  if (match) listed.set(match[1]!, { value: match[2]!, comment: lines.slice(0, i).reverse().find((l) => !/^[A-Z]/.test(l)) });
});

/** The names a parser reads from the environment it is given. */
function namesRead(parse: (env: Record<string, string | undefined>) => unknown): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  try {
    parse(env);
  } catch {
    // An empty environment may be invalid (the runner needs RUNNER_TOKEN); the reads happened.
  }
  return [...read];
}

const example = Object.fromEntries([...listed].map(([name, { value }]) => [name, value]));
const TOKEN = { RUNNER_TOKEN: 'a-token-of-sixteen-or-more' };

describe('.env.example', () => {
  it('lists every variable the web app reads, each under a comment', () => {
    const names = namesRead((env) => parseEnv(env, ROOT));
    expect(names).toContain('AUTH_SECRET');
    for (const name of names) {
      expect(listed.has(name), `${name} is read by lib/env.ts but missing from .env.example`).toBe(true);
      expect(listed.get(name)?.comment, `${name} has no comment`).toMatch(/^# \S/);
    }
  });

  it('lists every variable the lab-runner reads, each under a comment', () => {
    const names = namesRead((env) => loadConfig(env));
    expect(names).toEqual(expect.arrayContaining(['RUNNER_MAX_SANDBOXES', 'RUNNER_PUBLIC_URL', 'RUNNER_ALLOWED_ORIGINS', 'KUBELAB_STATE_DIR']));
    for (const name of names) {
      expect(listed.has(name), `${name} is read by lab-runner/src/config.ts but missing from .env.example`).toBe(true);
      expect(listed.get(name)?.comment, `${name} has no comment`).toMatch(/^# \S/);
    }
  });

  it('shows the defaults: the file parses to what an empty environment parses to', () => {
    expect(parseEnv(example, ROOT)).toEqual(parseEnv({}, ROOT));
    expect(loadConfig({ ...example, ...TOKEN })).toEqual(loadConfig(TOKEN));
  });
});
