// The web app's two runner addresses stay apart: the page's policy lets browsers connect to the
// runner's public address, never to the server-to-server RUNNER_URL.
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env';
import { contentSecurityPolicy } from '../security/headers';
import { runnerPublicUrl, runnerPublicUrls } from './public-url';

const connectSrc = (env: Record<string, string>) =>
  contentSecurityPolicy({ nonce: 'n', runnerPublicUrls: [runnerPublicUrl(env)], https: false, development: false })
    .split('; ')
    .find((d) => d.startsWith('connect-src'));

describe('runnerPublicUrl', () => {
  it('lets browsers reach RUNNER_PUBLIC_URL, not the internal RUNNER_URL', () => {
    const internal = { RUNNER_URL: 'http://10.0.0.5:4000' };
    expect(connectSrc(internal)).toBe("connect-src 'self' ws://127.0.0.1:4000");
    expect(connectSrc({ ...internal, RUNNER_PORT: '4256' })).toBe("connect-src 'self' ws://127.0.0.1:4256");
    expect(connectSrc({ ...internal, RUNNER_PUBLIC_URL: 'https://runner.labs.example.com' })).toBe("connect-src 'self' wss://runner.labs.example.com");
  });

  it('is checked where the web app starts, by name', () => {
    expect(parseEnv({ RUNNER_PUBLIC_URL: 'https://runner.labs.example.com' }, '/srv/kubelab').RUNNER_PUBLIC_URL).toBe('https://runner.labs.example.com');
    for (const bad of ['ws://runner.labs.example.com', 'runner:4000']) {
      let problems: string[] = [];
      try {
        parseEnv({ RUNNER_PUBLIC_URL: bad }, '/srv/kubelab');
      } catch (e) {
        if (e instanceof EnvError) problems = e.problems;
      }
      expect(problems, bad).toEqual(['RUNNER_PUBLIC_URL must be an http(s) URL such as https://runner.labs.example.com']);
    }
  });
});

describe('runnerPublicUrls', () => {
  const policyOf = (env: Record<string, string>) =>
    contentSecurityPolicy({ nonce: 'n', runnerPublicUrls: runnerPublicUrls(env), https: false, development: false })
      .split('; ')
      .find((d) => d.startsWith('connect-src'));

  it("lets browsers reach every runner's shells, each at its public address or else where this server reaches it", () => {
    const fleet = { RUNNER_URLS: 'http://127.0.0.1:4000,http://10.0.0.6:4000', RUNNER_PUBLIC_URL: 'https://ignored.example.com' };
    expect(policyOf(fleet)).toBe("connect-src 'self' ws://127.0.0.1:4000 ws://10.0.0.6:4000");
    expect(policyOf({ ...fleet, RUNNER_PUBLIC_URLS: ',https://runner-2.labs.example.com' })).toBe("connect-src 'self' ws://127.0.0.1:4000 wss://runner-2.labs.example.com");
  });

  it('is checked where the web app starts, by name', () => {
    const problems = (source: Record<string, string>) => {
      try {
        parseEnv(source, '/srv/kubelab');
        return [];
      } catch (e) {
        return e instanceof EnvError ? e.problems : [String(e)];
      }
    };
    expect(problems({ RUNNER_URLS: 'http://127.0.0.1:4000,http://127.0.0.1:4001', RUNNER_PUBLIC_URLS: ',https://r2.example.com' })).toEqual([]);
    expect(problems({ RUNNER_URLS: 'http://127.0.0.1:4000,http://127.0.0.1:4001', RUNNER_PUBLIC_URLS: 'https://r1.example.com' })).toEqual([
      'RUNNER_PUBLIC_URLS has 1 entries for 2 RUNNER_URLS; give one per URL (empty for a runner browsers reach at its RUNNER_URLS entry)',
    ]);
    expect(problems({ RUNNER_URLS: 'http://127.0.0.1:4000', RUNNER_PUBLIC_URLS: 'ws://r1.example.com' })).toEqual([
      'RUNNER_PUBLIC_URLS entry 1 must be an http(s) URL such as https://runner-2.labs.example.com',
    ]);
    expect(problems({ RUNNER_PUBLIC_URLS: 'https://r1.example.com' })).toEqual([
      'RUNNER_PUBLIC_URLS needs RUNNER_URLS (one browser address per URL, in the same order); one runner takes RUNNER_PUBLIC_URL',
    ]);
  });
});
