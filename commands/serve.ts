import type { Command } from 'commander';
import { addConfigOptions, configValuesOf } from '../config/options';
import { createServer, loadConfig } from '../index';
import { announce, fail, onShutdownSignal, reportUnhandledRejections } from './support/lifecycle';

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
        const server = await createServer(loadConfig({ argValues: configValuesOf(options) }));
        announce(server);
        onShutdownSignal(() => server.close());
      } catch (error) {
        fail(error);
      }
    });
}
