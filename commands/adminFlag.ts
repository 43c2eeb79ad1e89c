import { messageOf } from '../libraries/errors';
import type { Command } from 'commander';
import { createDynamoose } from '../dynamoose';
import { addConfigOptions, configValuesOf } from '../config/options';
import { loadConfig } from '../index';
import { UsersService } from '../services/users/users.service';
import { UsersStore } from '../services/users/users.store';

/** Stands in for app_key when none is configured; never used to sign or verify anything. */
const unusedAppKey = 'unused-by-the-admin-commands-'.padEnd(40, '-');

export interface AdminFlagCommand {
  /** The command's name, e.g. `user-make-admin`. */
  name: string;
  description: string;
  /** The admin flag the command sets. */
  admin: boolean;
}

/**
 * Sets a user's admin flag through the same users service as the server, without starting it:
 * only the database is needed (no Redis, no app_key).
 * @returns the process exit code: 0 done, 1 unknown email or a database error (with a message)
 */
export async function setAdminFlag(email: string, admin: boolean, options: Record<string, unknown>): Promise<number> {
  let client: ReturnType<typeof createDynamoose> | undefined;
  try {
    // An operator's command never creates tables: a mistyped prefix must fail, not make empty ones.
    // These commands sign no token, so they must not demand app_key (none is configured after `npm run dev`).
    const config = { ...loadConfig({ argValues: configValuesOf(options), fallbacks: { app_key: unusedAppKey } }), dynamodb_create_tables: false };
    client = createDynamoose(config);
    const users = new UsersService(new UsersStore(client), { bcryptRounds: config.bcrypt_rounds });
    // dynamoose needs its tables initialized before use.
    await client.initialize();
    const user = await users.setAdmin(email, admin);
    if (!user) {
      console.error(`node-jobs: no user has the email ${email}.`);
      return 1;
    }
    console.log(`${user.email} (${user.username}, ${user.id}) ${admin ? 'is now an admin' : 'is no longer an admin'}.`);
    return 0;
  } catch (error) {
    console.error(`node-jobs: ${messageOf(error)}`);
    return 1;
  } finally {
    // The SDK keeps sockets alive; closing them lets the process end at once.
    client?.instance.aws.ddb().destroy();
  }
}

/** Registers a command taking `-u, --user <email>` that sets the admin flag of that user. */
export function registerAdminFlagCommand(program: Command, command: AdminFlagCommand): void {
  const registered = program.command(command.name).description(command.description).requiredOption('-u, --user <email>', 'the email of an existing user');
  addConfigOptions(registered)
    .addHelpText(
      'after',
      `\nExample:\n  $ node-jobs ${command.name} -u ada@example.com\n\nThe database settings are read like the server's (the options below, environment, config/secrets.json).`,
    )
    .action(async (options: { user: string } & Record<string, unknown>) => {
      process.exitCode = await setAdminFlag(options.user, command.admin, options);
    });
}
