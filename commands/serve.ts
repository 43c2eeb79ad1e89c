import type { Command } from 'commander';
import { addConfigOptions, configValuesOf } from '../config/options';
import { createServer, loadConfig } from '../index';
import { announce, fail, onShutdownSignal, reportUnhandledRejections } from './support/lifecycle';
import { isClusterWorker, runPrimary, runWorker, workerCount } from './support/workers';

/** `node-jobs serve`: the API against the configured services. */
export function registerServe(program: Command): void {
  const serve = program.command('serve').description('run the API against the configured DynamoDB, Redis and S3');
  addConfigOptions(serve)
    .addHelpText(
      'after',
      '\nEvery option is a configuration key (see README: Configuration); the environment and config/secrets.json set them too.',
    )
    .action(async (options: Record<string, unknown>) => {
      reportUnhandledRejections();
      try {
        const config = loadConfig({ argValues: configValuesOf(options) });
        if (isClusterWorker()) return await runWorker(config);
        const workers = workerCount(config.workers);
        if (workers > 1) return await runPrimary(config, workers);
        const server = await createServer(config);
        announce(server);
        // SIGTERM: /readyz 503, serving on for shutdown_delay_s, then a graceful stop within shutdown_timeout_s.
        onShutdownSignal(() => server.shutdown(), undefined, config.shutdown_timeout_s * 1000);
      } catch (error) {
        fail(error);
      }
    });
}
