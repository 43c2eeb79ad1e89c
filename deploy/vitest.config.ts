import { defineConfig } from 'vitest/config';

// The deploy kit's own tests (npm run test:deploy): the synthesized template and cdk-nag's checks.
// No services to start; the repository's suite (tests/) has its own configuration.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
