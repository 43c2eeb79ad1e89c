import type { Command } from 'commander';
import { addConfigOptions } from '../../config/options';
import { createAccountClients, createAccountServices } from '../../index';
import { messageOf } from '../../libraries/errors';
import type { StoredUser } from '../../models/users';
import type { UsersService } from '../../services/users/users.service';
import { failureMessage } from './failureMessage';
import { loadOperatorConfig } from './operatorConfig';

export interface AccountCommand {
  /** The command's name, e.g. `user-make-admin`. */
  name: string;
  description: string;
  /** Does the command's work on the user of `-u`; returns the line to print. */
  run(users: UsersService, user: StoredUser): Promise<string>;
}

/**
 * Runs an account command through the same users service as the server, without starting it:
 * the database and Redis (which tells the running servers, so open sockets follow at once) are
 * needed, no app_key.
 * @returns the process exit code: 0 done, 1 unknown email or a service error (with a message)
 */
export async function runAccountCommand(
  command: AccountCommand,
  email: string,
  options: Record<string, unknown>,
): Promise<number> {
  // An operator's command never creates tables: a mistyped prefix must fail, not make empty ones.
  // These commands sign no token, so they must not demand app_key (none is configured after `npm run dev`).
  let config;
  try {
    config = { ...(await loadOperatorConfig(options)), dynamodb_create_tables: false };
  } catch (error) {
    console.error(`node-jobs: ${messageOf(error)}`);
    return 1;
  }
  const clients = createAccountClients(config);
  const { redis, dynamoose, profileImages } = clients;
  const { users } = createAccountServices(config, clients);
  try {
    // dynamoose needs its tables initialized before use.
    await Promise.all([dynamoose.initialize(), redis.connect()]);
    const user = await users.getByEmail(email);
    if (!user) {
      console.error(`node-jobs: no user has the email ${email}.`);
      return 1;
    }
    console.log(await command.run(users, user));
    return 0;
  } catch (error) {
    console.error(`node-jobs: ${failureMessage(error)}`);
    return 1;
  } finally {
    // The SDKs keep sockets alive; closing them lets the process end at once.
    dynamoose.ddb.destroy();
    profileImages.destroy();
    await redis.quit();
  }
}

/** Registers a command taking `-u, --user <email>` that runs on that user. */
export function registerAccountCommand(program: Command, command: AccountCommand): void {
  const registered = program
    .command(command.name)
    .description(command.description)
    .requiredOption('-u, --user <email>', 'the email of an existing user');
  addConfigOptions(registered)
    .addHelpText(
      'after',
      `\nExample:\n  $ node-jobs ${command.name} -u ada@example.com\n\nThe database, Redis and S3 settings are read like the server's (the options below, environment, config/secrets.json); beside a running \`node-jobs dev\` in the same folder, its services come before config/secrets.json.`,
    )
    .action(async (options: { user: string } & Record<string, unknown>) => {
      process.exitCode = await runAccountCommand(command, options.user, options);
    });
}

/** How the commands name a user in what they print. */
export const describeUser = (user: StoredUser) => `${user.email} (${user.username}, ${user.id})`;
