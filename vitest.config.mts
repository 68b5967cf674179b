import { defineConfig } from 'vitest/config';

// One vitest run covers the web app's lib/, the shared packages and the lab-runner.
// Playwright specs live in e2e/ and are run by Playwright, never by vitest.
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'packages/**/src/**/*.test.ts', 'lab-runner/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**'],
    testTimeout: 60_000,
    // A beforeAll that builds a sandbox on a machine loaded many times over its cores takes minutes.
    hookTimeout: 300_000,
    // Integration tests share one container engine and real ports: files run one at a time
    // per worker, two workers on this two-core machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
