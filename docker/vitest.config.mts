import { defineConfig } from 'vitest/config';

// docker/compose.test.ts only: it builds images and runs the whole stack, so the main vitest
// run (vitest.config.mts) leaves it out and scripts/test.ts runs it in a lane of its own.
export default defineConfig({
  test: {
    include: ['docker/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 3_600_000,
    maxWorkers: 1,
  },
});
