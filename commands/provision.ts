import type { Command } from 'commander';
import { addConfigOptions } from '../config/options';
import { dynamodbLocation } from '../libraries/dynamoose';
import { messageOf } from '../libraries/errors';
import { provision } from '../libraries/provisioning';
import { tableNames, tables } from '../models/tables';
import { loadOperatorConfig } from './support/operatorConfig';

/**
 * Runs `node-jobs provision [--dry-run]`: prints where it works, each change (or, in a dry run,
 * each change it would make), each setting skipped, each problem, and a closing line.
 * @returns the exit code: 0 when everything is as the server needs it (or would be), 1 otherwise
 */
export async function runProvision(options: { dryRun?: boolean } & Record<string, unknown>): Promise<number> {
  let config;
  try {
    config = await loadOperatorConfig(options);
  } catch (error) {
    console.error(`node-jobs: ${messageOf(error)}`);
    return 1;
  }
  const dryRun = options.dryRun === true;
  const names = Object.values(tableNames(config.dynamodb_table_prefix));
  console.log(
    `node-jobs provision${dryRun ? ' --dry-run' : ''}: DynamoDB tables ${names.join(', ')} (${dynamodbLocation(config)}), ` +
      `S3 bucket ${config.s3_bucket} (${config.s3_endpoint ?? `AWS ${config.aws_region}`})`,
  );
  const run = await provision(config, { tables, dryRun, report: (line) => console.log(`  ${line}`) });
  const problems = run.count('problem') > 0;
  (problems ? console.error : console.log)(run.summary());
  return problems ? 1 : 0;
}

/** `node-jobs provision [--dry-run]`: creates or completes the tables and the bucket the server needs. */
export function registerProvision(program: Command): void {
  const command = program
    .command('provision')
    .description(
      'create or complete the DynamoDB tables and the S3 bucket the server needs (AWS, or local with --dynamodb_endpoint and --s3_endpoint)',
    )
    .option('--dry-run', 'print the changes, make none');
  addConfigOptions(command)
    .addHelpText(
      'after',
      `
Tables: on-demand, with their indexes, point-in-time recovery and deletion protection on.
Bucket: all public access blocked, CORS allowing PUT from cors_origin (Content-Type, Content-Length),
incomplete multipart uploads removed after a day. Only what is missing or different is changed;
a second run reports no change. Settings an endpoint does not implement (DynamoDB Local has no
point-in-time recovery, s3rver no public access block or lifecycle) are reported as skipped.

Example:
  $ NODE_ENV=production node-jobs provision --dry-run
  $ node-jobs provision --dynamodb_endpoint http://localhost:8100 --s3_endpoint http://localhost:4569`,
    )
    .action(async (options: { dryRun?: boolean } & Record<string, unknown>) => {
      process.exitCode = await runProvision(options);
    });
}
