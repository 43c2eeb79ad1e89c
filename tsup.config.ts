import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The server, its CLI, and the types of its entry point.
    entry: { index: 'index.ts', cli: 'commands/cli.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node22',
    dts: { entry: { index: 'index.ts' } },
    sourcemap: true,
    splitting: true,
  },
  {
    // The SDK: ESM and CommonJS with declarations; it never imports server code.
    entry: { 'client/index': 'client/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'neutral',
    target: 'es2022',
    dts: true,
    sourcemap: true,
  },
]);
