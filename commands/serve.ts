import type { Command } from 'commander';
import { addConfigOptions, configValuesOf } from '../config/options';
import { createServer, loadConfig, type Config } from '../index';
import { createAppLogger } from '../libraries/appLogger';
import { logsAsJson } from '../libraries/fileLogger';
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
      let config: Config;
      try {
        config = loadConfig({ argValues: configValuesOf(options) });
      } catch (error) {
        fail(error); // as a plain line: the log format is not known yet
      }
      const json = logsAsJson(config.log_file);
      const logger = createAppLogger(false, { json });
      // With log_file `-`, stdout carries the request log alone: every message goes to stderr as JSON.
      const [say, complain] = json
        ? [(line: string) => logger.info(line), (line: string) => logger.error(line)]
        : [undefined, undefined];
      reportUnhandledRejections(complain);
      try {
        if (isClusterWorker()) return await runWorker(config, { logger, say, complain });
        const workers = workerCount(config.workers);
        if (workers > 1) return await runPrimary(config, workers, { logger, say, complain });
        const server = await createServer(config, { logger });
        announce(server, say);
        // SIGTERM: /readyz 503, serving on for shutdown_delay_s, then a graceful stop within shutdown_timeout_s.
        onShutdownSignal(() => server.shutdown(), say, config.shutdown_timeout_s * 1000);
      } catch (error) {
        fail(error, complain);
      }
    });
}
