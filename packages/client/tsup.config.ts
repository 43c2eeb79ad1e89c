import { defineConfig } from 'tsup';

// The SDK's sources stay in the repository's client/ (the server imports its wire types from there);
// this package builds them into ESM and CommonJS with declarations. It never imports server code.
export default defineConfig({
  entry: { index: '../../client/index.ts' },
  outDir: 'dist',
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
});
