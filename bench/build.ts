/**
 * Compiles the bench's processes and the CLI once per run (tsup, as `npm run build` does for
 * dist/), so every server is measured as `node` runs it in production: without tsx compiling and
 * resolving modules at run time, which a profile under tsx showed on the request path.
 */
import { join } from 'node:path';
import { build } from 'tsup';
import { builtDir } from './lib';

/** Compiles the bench entries into `builtDir`; packages stay imports of node_modules. */
export async function buildBench(): Promise<void> {
  const root = join(import.meta.dirname, '..');
  await build({
    entry: {
      servers: join(root, 'bench/e2e/servers.ts'),
      load: join(root, 'bench/e2e/load.ts'),
      sockets: join(root, 'bench/sockets.ts'),
      cli: join(root, 'commands/cli.ts'),
    },
    outDir: builtDir,
    format: ['esm'],
    platform: 'node',
    target: 'node22',
    splitting: true,
    sourcemap: true,
    clean: true,
    silent: true,
    // Every package import stays an import, as in dist/: only the project's own files are bundled.
    external: [/^[^./]/],
    config: false,
  });
}
