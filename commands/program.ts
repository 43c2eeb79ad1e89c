import { Command } from 'commander';
import { packageVersion } from '../libraries/packageFile';
import { registerDev } from './dev';
import { registerIamPolicy } from './iam-policy';
import { registerProvision } from './provision';
import { registerServe } from './serve';
import { registerUserMakeAdmin } from './user-make-admin';
import { registerUserRevokeAdmin } from './user-revoke-admin';
import { registerUserDelete } from './user-delete';
import { registerUserLogout } from './user-logout';

/** Builds the `node-jobs` command line. */
export function buildProgram(): Command {
  const program = new Command('node-jobs')
    .description('Job-search API with users, sessions, real-time random jobs and profile images.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  $ node-jobs dev                               everything locally: API, DynamoDB Local, Redis, S3
  $ node-jobs serve --port 8080                 the API against the configured services
  $ node-jobs user-make-admin -u ada@example.com
  $ node-jobs user-logout -u ada@example.com     every token of the user refused
  $ node-jobs user-delete -u ada@example.com
  $ node-jobs provision --dry-run                what the tables and the bucket lack, changing nothing
  $ node-jobs iam-policy --account 123456789012  the server's least-privilege IAM policy

Configuration: --key value, environment variables (APP_KEY or app_key), config/secrets.json.
Every key is listed in config/secrets.json.example and in the README.`,
    );
  registerServe(program);
  registerDev(program);
  registerUserMakeAdmin(program);
  registerUserRevokeAdmin(program);
  registerUserDelete(program);
  registerUserLogout(program);
  registerProvision(program);
  registerIamPolicy(program);
  return program;
}
