// The web app's two runner addresses stay apart: the page's policy lets browsers connect to the
// runner's public address, never to the server-to-server RUNNER_URL.
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env';
import { contentSecurityPolicy } from '../security/headers';
import { runnerPublicUrl } from './public-url';

const connectSrc = (env: Record<string, string>) =>
  contentSecurityPolicy({ nonce: 'n', runnerPublicUrl: runnerPublicUrl(env), https: false, development: false })
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
