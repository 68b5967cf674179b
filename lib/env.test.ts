import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source, '/srv/kubelab');
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  throw new Error('expected an EnvError');
}

describe('parseEnv', () => {
  it('fills documented defaults on an empty environment', () => {
    const env = parseEnv({}, '/srv/kubelab');
    expect(env.PORT).toBe(3000);
    expect(env.RUNNER_PORT).toBe(4000);
    expect(env.RUNNER_URL).toBe('http://127.0.0.1:4000');
    expect(env.AUTH_TRUST_HOST).toBe(true);
    expect(env.SIGNUP_OPEN).toBe(true);
    expect(env.KUBELAB_ADMIN_EMAIL).toBe('admin@kubelab.local');
    expect(env.KUBELAB_ADMIN_PASSWORD).toBeUndefined();
    expect(env.database).toEqual({ kind: 'sqlite', file: '/srv/kubelab/data/kubelab.db' });
    expect(env.dataDir).toBe('/srv/kubelab/data');
  });

  it('treats empty strings as unset', () => {
    const env = parseEnv({ PORT: '', KUBELAB_ADMIN_PASSWORD: '' }, '/srv/kubelab');
    expect(env.PORT).toBe(3000);
    expect(env.KUBELAB_ADMIN_PASSWORD).toBeUndefined();
  });

  it('resolves SQLite paths against the working directory and accepts PostgreSQL', () => {
    expect(parseEnv({ DATABASE_URL: 'file:../db/k.db' }, '/srv/kubelab').database).toEqual({
      kind: 'sqlite',
      file: path.resolve('/srv/db/k.db'),
    });
    expect(parseEnv({ DATABASE_URL: 'file:///var/lib/k.db?mode=rwc' }, '/x').database).toEqual({ kind: 'sqlite', file: '/var/lib/k.db' });
    expect(parseEnv({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/k' }).database.kind).toBe('postgresql');
  });

  it('reports one clear message per problem, all at once', () => {
    const found = problems({
      PORT: 'eighty',
      RUNNER_URL: 'ftp://runner',
      DATABASE_URL: 'mysql://u:secretpw@h/db',
      AUTH_SECRET: 'short',
      KUBELAB_ADMIN_EMAIL: 'not-an-email',
      KUBELAB_INSTRUCTOR_PASSWORD: 'abc',
      SIGNUP_OPEN: 'maybe',
    });
    expect(found).toHaveLength(7);
    expect(found).toContain('PORT must be a port number');
    expect(found).toContain('RUNNER_URL must be an http(s) URL such as http://127.0.0.1:4000');
    expect(found).toContain('AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 33`)');
    expect(found).toContain('KUBELAB_ADMIN_EMAIL must be an email address');
    expect(found).toContain('KUBELAB_INSTRUCTOR_PASSWORD must be at least 10 characters (or unset it to have one generated)');
    expect(found).toContain('SIGNUP_OPEN must be true or false');
    const db = found.find((p) => p.startsWith('DATABASE_URL'));
    expect(db).toContain('use file:<path> for SQLite or postgresql://');
    expect(db).not.toContain('secretpw');
  });

  it('refuses a port out of range and the same email for both seeded roles', () => {
    expect(problems({ RUNNER_PORT: '70000' })).toEqual(['RUNNER_PORT must be between 1 and 65535']);
    expect(problems({ KUBELAB_ADMIN_EMAIL: 'a@x.io', KUBELAB_INSTRUCTOR_EMAIL: 'A@x.io' })).toEqual([
      'KUBELAB_ADMIN_EMAIL and KUBELAB_INSTRUCTOR_EMAIL must differ',
    ]);
  });

  it('lists the runners: RUNNER_URL alone, or RUNNER_URLS with the shared token or their own', () => {
    const shared = 'shared-token-0123456789';
    expect(parseEnv({ RUNNER_TOKEN: shared }).runnerEndpoints).toEqual([{ url: 'http://127.0.0.1:4000', token: shared }]);
    const env = parseEnv({ RUNNER_TOKEN: shared, RUNNER_URLS: 'http://10.0.0.5:4000/, https://r2.example.com', RUNNER_TOKENS: ',own-token-0123456789' });
    expect(env.runnerEndpoints).toEqual([
      { url: 'http://10.0.0.5:4000', token: shared },
      { url: 'https://r2.example.com', token: 'own-token-0123456789' },
    ]);
    expect(problems({ RUNNER_URLS: 'http://a:4000,ftp://b,http://a:4000/' })).toEqual([
      'RUNNER_URLS entry 2 ("ftp://b") must be an http(s) URL such as http://10.0.0.5:4000',
      'RUNNER_URLS lists http://a:4000 twice',
    ]);
    expect(problems({ RUNNER_URLS: 'http://a:4000,http://b:4000', RUNNER_TOKENS: 'only-one-token-0123456789' })).toEqual([
      'RUNNER_TOKENS has 1 entries for 2 RUNNER_URLS; give one per URL (empty for RUNNER_TOKEN)',
    ]);
    expect(problems({ RUNNER_TOKENS: 'a-token-0123456789' })).toEqual(['RUNNER_TOKENS needs RUNNER_URLS (one token per URL, in the same order)']);
  });

  it('takes TRUSTED_PROXIES as addresses and CIDR ranges, and names a bad entry', () => {
    expect(parseEnv({ TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12 fd00::/8' }).TRUSTED_PROXIES).toBe('10.0.0.5, 172.16.0.0/12 fd00::/8');
    expect(problems({ TRUSTED_PROXIES: '10.0.0.5,proxy.internal' })).toEqual([
      'TRUSTED_PROXIES: "proxy.internal" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)',
    ]);
    expect(problems({ TRUSTED_PROXIES: '10.0.0.0/33' })).toHaveLength(1);
  });

  it('the EnvError message lists every problem on its own line', () => {
    try {
      parseEnv({ PORT: '0', DOCKER_HOST: '/var/run/docker.sock' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        'invalid environment:\n  - PORT must be between 1 and 65535\n  - DOCKER_HOST must look like unix:///path/to/docker.sock or tcp://127.0.0.1:2375',
      );
    }
  });
});
