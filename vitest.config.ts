import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/harness/globalSetup.ts', 'tests/harness/consoleBuild.ts'],
    // Guards against hangs only, far above any duration: nothing in the suite races the clock.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
