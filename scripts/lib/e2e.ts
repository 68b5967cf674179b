// The Playwright suite against a throwaway platform (own data directory, ports 3100/4100 unless
// E2E_PORT / E2E_RUNNER_PORT say otherwise, own sandbox prefix, engine cleaned afterwards).
// Used by `npm test` for the whole suite and by `npm run e2e -- <playwright args>` for a part.
import { randomBytes } from 'node:crypto';
import { startThrowawayPlatform } from './platform.js';

/** Starts a throwaway platform, runs `run` with the environment Playwright needs, stops the platform. */
export async function withE2ePlatform<T>(run: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const secret = () => randomBytes(12).toString('base64url');
  const accounts = {
    KUBELAB_ADMIN_EMAIL: 'admin@e2e.kubelab.test',
    KUBELAB_ADMIN_PASSWORD: secret(),
    KUBELAB_INSTRUCTOR_EMAIL: 'instructor@e2e.kubelab.test',
    KUBELAB_INSTRUCTOR_PASSWORD: secret(),
  };
  const runnerPort = process.env.E2E_RUNNER_PORT ?? '4100';
  // A second runner the web app knows from the start, which only the lost-sandbox spec starts
  // (and kills): until then it is a runner that is down, as in a real fleet.
  const second = { port: process.env.E2E_SECOND_RUNNER_PORT ?? String(Number(runnerPort) + 100), token: secret() + secret() };
  const { platform, stop } = await startThrowawayPlatform({
    name: 'e2e',
    port: process.env.E2E_PORT ?? '3100',
    runnerPort,
    env: {
      ...accounts,
      // The suite signs up a fresh learner per spec, all from 127.0.0.1: one address, many
      // accounts, like a classroom behind one NAT address.
      SIGNUP_LIMIT_PER_ADDRESS: '1000',
      RUNNER_URLS: `http://127.0.0.1:${runnerPort},http://127.0.0.1:${second.port}`,
      RUNNER_TOKENS: `,${second.token}`,
      RUNNER_CHECK_SECONDS: '2',
    },
  });
  try {
    return await run({
      ...platform.env,
      NODE_ENV: 'test',
      E2E_BASE_URL: platform.webUrl,
      E2E_RUNNER_URL: platform.runnerUrl,
      E2E_SECOND_RUNNER_PORT: second.port,
      E2E_SECOND_RUNNER_TOKEN: second.token,
    });
  } finally {
    await stop();
  }
}
