import type { Command } from 'commander';
import { addConfigOptions } from '../config/options';
import { messageOf } from '../libraries/errors';
import { accountPlaceholder, iamPolicy } from '../libraries/iamPolicy';
import { tables } from '../models/tables';
import { loadOperatorConfig } from './support/operatorConfig';

/**
 * Runs `node-jobs iam-policy [--provision] [--account <id>]`: prints the policy as JSON on stdout;
 * without an account id, says on stderr what to replace.
 * @returns the exit code: 0, or 1 for a bad configuration or account id
 */
export async function runIamPolicy(
  options: { provision?: boolean; account?: string } & Record<string, unknown>,
): Promise<number> {
  try {
    const config = await loadOperatorConfig(options);
    const policy = iamPolicy({
      role: options.provision === true ? 'provision' : 'server',
      region: config.aws_region,
      account: options.account,
      tablePrefix: config.dynamodb_table_prefix,
      bucket: config.s3_bucket,
      tables,
    });
    console.log(JSON.stringify(policy, null, 2));
    if (options.account === undefined)
      console.error(
        `node-jobs: the ARNs say ${accountPlaceholder}: pass --account <12-digit id>, or replace it with your AWS account id.`,
      );
    return 0;
  } catch (error) {
    console.error(`node-jobs: ${messageOf(error)}`);
    return 1;
  }
}

/** `node-jobs iam-policy [--provision]`: the least-privilege IAM policy of the server, or of `provision`. */
export function registerIamPolicy(program: Command): void {
  const command = program
    .command('iam-policy')
    .description(
      'print the least-privilege IAM policy (JSON) of the server, or with --provision of node-jobs provision',
    )
    .option('--provision', 'the policy of node-jobs provision instead of the running server')
    .option('--account <id>', `the AWS account id in the ARNs (12 digits); ${accountPlaceholder} otherwise`);
  addConfigOptions(command)
    .addHelpText(
      'after',
      `
The ARNs follow aws_region, dynamodb_table_prefix and s3_bucket. The server's policy allows only the
DynamoDB actions it calls, on its two tables, s3:ListBucket on the bucket (the start-up check) and
the object actions it calls on profile-images/*; no * in any action.

Example:
  $ NODE_ENV=production node-jobs iam-policy --account 123456789012 > task-role-policy.json`,
    )
    .action(async (options: { provision?: boolean; account?: string } & Record<string, unknown>) => {
      process.exitCode = await runIamPolicy(options);
    });
}
