import { appendFileSync } from 'node:fs';
import type { MiddlewareStack } from '@smithy/types';

/**
 * What every AWS client of node-jobs (DynamoDB, S3; the server's, the CLI's and `provision`'s) is
 * built with: attempts that time out and throw, and — under test — a log of the operations sent.
 */

/**
 * The request-handler options of an AWS client whose every attempt fails after `attemptTimeoutMs`.
 * The SDK only warns when a request outlives `requestTimeout` unless `throwOnRequestTimeout` is set:
 * without it an abandoned call keeps its socket open forever, and a CLI command never exits.
 */
export function requestHandlerOptions(attemptTimeoutMs: number): {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
} {
  return {
    connectionTimeout: Math.min(1000, attemptTimeoutMs),
    requestTimeout: attemptTimeoutMs,
    throwOnRequestTimeout: true,
  };
}

/**
 * The environment variable naming the file every AWS operation is appended to (one JSON line each).
 * The test harness sets it to check the IAM policy against what the suite really sent; unset, nothing
 * is recorded.
 */
export const awsOperationsLogVariable = 'NODE_JOBS_AWS_OPERATIONS_LOG';

/** Who sends an operation: the server (and the CLI's account commands), or the provisioning of tables and buckets. */
export type AwsRole = 'server' | 'provision';

/** The configuration an operation was sent under: what the IAM policy of its role is built from. */
export interface AwsOperationScope {
  region: string;
  tablePrefix?: string;
  bucket?: string;
}

/** The names an operation's input targets (never item values). */
export interface AwsOperationTargets {
  TableName?: string;
  IndexName?: string;
  Bucket?: string;
  Key?: string;
  /** A transaction's items: the kind of each (`Put`, `Update`, `Delete`, `ConditionCheck`, `Get`) and its table. */
  TransactItems?: { kind: string; TableName?: string }[];
  /** The tables of a batch. */
  RequestItems?: string[];
}

/** One line of the operations log. */
export interface RecordedAwsOperation {
  /** `service:Operation`, e.g. `dynamodb:Query`, `s3:PutObject`. */
  operation: string;
  role: AwsRole;
  scope: AwsOperationScope;
  targets: AwsOperationTargets;
}

/** The names an operation targets, read from its input. */
function targetsOf(input: Record<string, unknown>): AwsOperationTargets {
  const targets: AwsOperationTargets = {};
  for (const name of ['TableName', 'IndexName', 'Bucket', 'Key'] as const) {
    if (typeof input[name] === 'string') targets[name] = input[name];
  }
  if (Array.isArray(input.TransactItems)) {
    targets.TransactItems = (input.TransactItems as Record<string, { TableName?: string } | undefined>[]).map(
      (item) => {
        const kind = Object.keys(item)[0] ?? 'unknown';
        const tableName = item[kind]?.TableName;
        return tableName === undefined ? { kind } : { kind, TableName: tableName };
      },
    );
  }
  if (typeof input.RequestItems === 'object' && input.RequestItems !== null)
    targets.RequestItems = Object.keys(input.RequestItems);
  return targets;
}

/**
 * Appends every operation `client` sends (presigned ones included: they are signed with its
 * credentials) to the file named by `NODE_JOBS_AWS_OPERATIONS_LOG`, when that variable is set.
 * Each distinct line is written once per process.
 */
export function logAwsOperations<Input extends object, Output extends object>(
  client: { middlewareStack: MiddlewareStack<Input, Output> },
  service: 'dynamodb' | 's3',
  role: AwsRole,
  scope: AwsOperationScope,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const file = env[awsOperationsLogVariable];
  if (!file) return;
  const written = new Set<string>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const operation = `${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      const record: RecordedAwsOperation = {
        operation,
        role,
        scope,
        targets: targetsOf(args.input as Record<string, unknown>),
      };
      const line = `${JSON.stringify(record)}\n`;
      if (!written.has(line)) {
        written.add(line);
        // Test instrumentation only (off unless the variable is set), synchronous so that a line
        // survives a `process.exit` right after the call; each distinct line is written once.
        appendFileSync(file, line);
      }
      return next(args);
    },
    { step: 'initialize', name: 'awsOperationsLog', priority: 'high' },
  );
}
