/**
 * Measures the SDK's browser bundle without its two runtime dependencies (axios and
 * socket.io-client, which apps usually share): minified and gzipped. Prints the size; exits 1
 * when it is over the budget. `npm run build` runs it.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Budget of the gzipped browser bundle, in bytes. */
export const sdkBudgetBytes = 12 * 1024;

/** Bundles `client/index.ts` for browsers and returns its minified and gzipped sizes. */
export async function measureSdk(): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../client/index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['axios', 'socket.io-client'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { minified, gzipped } = await measureSdk();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(
    `SDK browser bundle (without axios and socket.io-client): ${kb(minified)} minified, ${kb(gzipped)} gzipped (budget ${kb(sdkBudgetBytes)})`,
  );
  if (gzipped > sdkBudgetBytes) {
    console.error('The SDK bundle is over its budget.');
    process.exit(1);
  }
}
