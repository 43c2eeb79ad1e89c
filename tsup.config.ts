import { mkdir, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/** `node-jobs/client` is the `node-jobs-client` package (packages/client), re-exported, so both name the same classes. */
async function writeClientReexport(): Promise<void> {
  await mkdir('dist/client', { recursive: true });
  const esm = "export * from 'node-jobs-client';\n";
  await Promise.all([
    writeFile('dist/client/index.js', esm),
    writeFile('dist/client/index.d.ts', esm),
    writeFile('dist/client/index.d.cts', esm),
    writeFile('dist/client/index.cjs', "'use strict';\nmodule.exports = require('node-jobs-client');\n"),
  ]);
}

export default defineConfig({
  // The server, its CLI, and the types of its entry point.
  entry: { index: 'index.ts', cli: 'commands/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  dts: { entry: { index: 'index.ts' } },
  sourcemap: true,
  splitting: true,
  onSuccess: writeClientReexport,
});
