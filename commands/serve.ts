import type { Command } from 'commander';
import { createServer, loadConfig } from '../index';
import { announce, fail, onShutdownSignal } from './lifecycle';

/** `node-jobs serve`: the API against the configured services. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API against the configured DynamoDB, Redis and S3')
    .option('-p, --port <port>', 'HTTP and socket.io port (0 = any free port)')
    .option('--host <address>', 'bind address')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', '\nAny configuration key can be given as --key value (see README: Configuration).')
    .action(async () => {
      try {
        const server = await createServer(loadConfig({ argv: process.argv.slice(3) }));
        announce(server);
        onShutdownSignal(() => server.close());
      } catch (error) {
        fail(error);
      }
    });
}
