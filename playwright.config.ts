// Playwright drives Debian's Chromium (never a downloaded browser) against a platform that is
// already running: `npm test` starts it and exports E2E_BASE_URL and the seeded accounts
// (KUBELAB_ADMIN_EMAIL/PASSWORD, KUBELAB_INSTRUCTOR_EMAIL/PASSWORD).
import { defineConfig } from '@playwright/test';

const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error('E2E_BASE_URL is not set: start the platform and point E2E_BASE_URL at it (e.g. http://127.0.0.1:3100)');
}

export default defineConfig({
  testDir: 'e2e',
  // Specs share one platform and its settings (sign-up open/closed): one worker, in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  // Separate runs on one machine must not delete each other's traces, and its own folder because
  // Playwright empties it at start: the vitest reports beside it must survive.
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results/playwright',
  use: {
    baseURL,
    browserName: 'chromium',
    locale: 'en-US',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
