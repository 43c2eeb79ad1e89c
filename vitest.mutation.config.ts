import { defineConfig } from 'vitest/config';

// Unit tests only, without the global DynamoDB/Redis/S3 stack: what `npm run test:mutation`
// (Stryker) runs for every mutant, so it must stay fast.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    // These need the shared stack (s3client) or bundle the whole SDK (sdk-size); neither covers a mutated module.
    exclude: ['tests/unit/s3client.test.ts', 'tests/unit/sdk-size.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
