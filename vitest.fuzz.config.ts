import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/** `npm run test:fuzz`: the property-based fuzz suite of tests/fuzz/ alone, on the same test stack as `npm test`. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/fuzz/**/*.fuzz.ts'], testTimeout: 1_800_000 },
});
