import { readFileSync } from 'node:fs';
import type { RecordedAwsOperation } from '../../libraries/awsClients';
import { iamPolicy, type IamPolicyDocument } from '../../libraries/iamPolicy';
import { tables } from '../../models/tables';

/**
 * Checks the AWS operations the server and the CLI sent during the tests (logged by their clients
 * when `NODE_JOBS_AWS_OPERATIONS_LOG` names a file, see libraries/awsClients.ts) against the IAM
 * policy `node-jobs iam-policy` prints for the role and configuration each was sent under. The
 * IAM meaning of each operation is written here, apart from the policy's own code, so that the two
 * check each other.
 */

/** The account id the ARNs of the check use. */
const testAccount = '123456789012';

/** One permission an operation needs: an IAM action on a resource ARN. */
export interface Permission {
  action: string;
  resource: string;
}

/** The IAM action of each S3 operation, and whether it acts on the bucket or on the object. */
const s3Actions: Record<string, { action: string; on: 'bucket' | 'object' }> = {
  HeadBucket: { action: 's3:ListBucket', on: 'bucket' },
  ListObjects: { action: 's3:ListBucket', on: 'bucket' },
  ListObjectsV2: { action: 's3:ListBucket', on: 'bucket' },
  CreateBucket: { action: 's3:CreateBucket', on: 'bucket' },
  GetBucketCors: { action: 's3:GetBucketCORS', on: 'bucket' },
  PutBucketCors: { action: 's3:PutBucketCORS', on: 'bucket' },
  DeleteBucketCors: { action: 's3:PutBucketCORS', on: 'bucket' },
  GetPublicAccessBlock: { action: 's3:GetBucketPublicAccessBlock', on: 'bucket' },
  PutPublicAccessBlock: { action: 's3:PutBucketPublicAccessBlock', on: 'bucket' },
  GetBucketLifecycleConfiguration: { action: 's3:GetLifecycleConfiguration', on: 'bucket' },
  PutBucketLifecycleConfiguration: { action: 's3:PutLifecycleConfiguration', on: 'bucket' },
  GetObject: { action: 's3:GetObject', on: 'object' },
  HeadObject: { action: 's3:GetObject', on: 'object' },
  PutObject: { action: 's3:PutObject', on: 'object' },
  DeleteObject: { action: 's3:DeleteObject', on: 'object' },
};

/** The IAM action of each kind of item of a DynamoDB transaction. */
const transactionItemActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/**
 * The permissions an operation needs, as IAM evaluates it.
 * @throws Error for an operation this table does not know yet (add it here)
 */
export function permissionsOf(recorded: RecordedAwsOperation, account = testAccount): Permission[] {
  const [service, operation = ''] = recorded.operation.split(':');
  const { region } = recorded.scope;
  const targets = recorded.targets;
  if (service === 's3') {
    const known = s3Actions[operation];
    if (!known) throw new Error(`No IAM meaning for ${recorded.operation}: add it to tests/harness/awsOperations.ts.`);
    const bucketArn = `arn:aws:s3:::${targets.Bucket ?? '?'}`;
    return [
      { action: known.action, resource: known.on === 'bucket' ? bucketArn : `${bucketArn}/${targets.Key ?? '?'}` },
    ];
  }
  const tableArn = (name: string | undefined) => `arn:aws:dynamodb:${region}:${account}:table/${name ?? '?'}`;
  // ListTables and the like act on no table: IAM wants `*` for them, which the policy never grants.
  if (operation === 'ListTables') return [{ action: 'dynamodb:ListTables', resource: '*' }];
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems')
    return (targets.TransactItems ?? []).map((item) => ({
      action: transactionItemActions[item.kind] ?? `dynamodb:${item.kind}`,
      resource: tableArn(item.TableName),
    }));
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem')
    return (targets.RequestItems ?? []).map((table) => ({
      action: `dynamodb:${operation}`,
      resource: tableArn(table),
    }));
  const onIndex = targets.IndexName === undefined ? '' : `/index/${targets.IndexName}`;
  return [{ action: `dynamodb:${operation}`, resource: `${tableArn(targets.TableName)}${onIndex}` }];
}

/** IAM's wildcards: `*` any run of characters, `?` one. */
function matches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

/** Tells whether an Allow statement of the policy grants the action on the resource. */
export function policyAllows(policy: IamPolicyDocument, permission: Permission): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Action.some((action) => matches(action.toLowerCase(), permission.action.toLowerCase())) &&
      statement.Resource.some((resource) => matches(resource, permission.resource)),
  );
}

/** The policy `node-jobs iam-policy` prints for the role and configuration an operation was sent under. */
export function policyFor(recorded: RecordedAwsOperation, account = testAccount): IamPolicyDocument {
  return iamPolicy({
    role: recorded.role,
    region: recorded.scope.region,
    account,
    tablePrefix: recorded.scope.tablePrefix ?? 'no-prefix-',
    bucket: recorded.scope.bucket ?? 'no-bucket',
    tables,
  });
}

/** The operations the printed policy does not allow, each with the permission it lacks. */
export function deniedOperations(operations: readonly RecordedAwsOperation[]): string[] {
  return operations.flatMap((recorded) => {
    const policy = policyFor(recorded);
    return permissionsOf(recorded)
      .filter((permission) => !policyAllows(policy, permission))
      .map((permission) => `${recorded.role} ${recorded.operation}: ${permission.action} on ${permission.resource}`);
  });
}

/** The operations logged in a file (none when it does not exist). */
export function readOperations(file: string): RecordedAwsOperation[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedAwsOperation);
}

/** `role service:Operation` of each distinct operation, sorted: what the suite sent. */
export function distinctOperations(operations: readonly RecordedAwsOperation[]): string[] {
  return [...new Set(operations.map((recorded) => `${recorded.role} ${recorded.operation}`))].sort();
}
