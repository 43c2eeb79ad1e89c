import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from './settings';
import { NodeJobsStack } from './stack';

/** The stack's name in CloudFormation. */
export const stackName = 'NodeJobs';

/** The folder of the deploy kit (where `cdk.json` is). */
export const deployRoot = join(import.meta.dirname, '..');

/** A JSON file's `context` (cdk.json) or the whole object (a file of context values). */
export function contextFile(path: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const context = parsed.context;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : parsed;
}

/**
 * The CDK app: the feature flags of `cdk.json` and `context` under whatever the CDK CLI passes
 * (`-c key=value`, cdk.json), the stack from the settings in that context, and cdk-nag's
 * AwsSolutions rules, which stop the synthesis on any finding that is not acknowledged.
 */
export function createApp(
  context: Record<string, unknown> = {},
  props: Omit<AppProps, 'context'> = {},
): {
  app: App;
  stack: NodeJobsStack;
  checks: AwsSolutionsChecks;
} {
  const app = new App({ ...props, context: { ...contextFile(join(deployRoot, 'cdk.json')), ...context } });
  const settings = readSettings(app.node);
  const stack = new NodeJobsStack(app, stackName, {
    settings,
    env: { account: settings.account, region: settings.region },
    description: 'node-jobs: API on ECS Fargate behind an ALB, DynamoDB tables, private S3 bucket, ElastiCache Redis',
  });
  const checks = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(checks);
  return { app, stack, checks };
}
