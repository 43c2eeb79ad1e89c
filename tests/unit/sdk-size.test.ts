import { describe, expect, it } from 'vitest';
import { measureSdk, sdkBudgetBytes } from '../../scripts/sdk-size';

describe('the SDK browser bundle', () => {
  it('bundles for browsers without server code and stays under 12 kB gzipped', async () => {
    // esbuild fails on any node: built-in or server package reached from client/index.ts.
    const { gzipped, minified } = await measureSdk();
    expect(minified).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThan(sdkBudgetBytes);
  });
});
