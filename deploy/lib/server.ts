/**
 * Everything the deploy kit takes from the server, in one file: the DynamoDB tables as the server
 * checks them, and the IAM policy `node-jobs iam-policy` prints. The rest of deploy/ imports the
 * server only through here (tests/unit/architecture.test.ts holds it to that).
 */

// TEMPORARY until w-tables merges: copies of `models/tables.ts`, `libraries/tableDefinition.ts` and
// the server role of `libraries/iamPolicy.ts` (same names and signatures). After the merge this file
// is only:
//   export { tables, tableNames, type TableName } from '../../models/tables';
//   export type { KeyAttributeType, KeyDefinition, TableDefinition } from '../../libraries/tableDefinition';
//   export { iamPolicy, type IamPolicyDocument } from '../../libraries/iamPolicy';

/** DynamoDB's scalar key types: string, number, binary. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A primary key: the partition (hash) attribute and, optionally, the sort (range) attribute. */
export interface KeyDefinition {
  readonly hash: string;
  readonly range?: string;
}

/** A global secondary index. */
export interface GlobalIndexDefinition {
  readonly name: string;
  readonly key: KeyDefinition;
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

/** One table as node-jobs needs it. */
export interface TableDefinition {
  /** The table's name after `dynamodb_table_prefix`. */
  readonly name: string;
  /** The type of every key attribute, of the table and of its indexes. */
  readonly attributes: Readonly<Record<string, KeyAttributeType>>;
  readonly key: KeyDefinition;
  readonly indexes: readonly GlobalIndexDefinition[];
  /** The DynamoDB actions (IAM names, without `dynamodb:`) the server calls on the table. */
  readonly serverActions: readonly string[];
}

/** The tables by logical name. */
export const tables = {
  users: {
    name: 'users',
    attributes: { id: 'S', email: 'S', username: 'S' },
    key: { hash: 'id', range: 'email' },
    indexes: [
      { name: 'emailIndex', key: { hash: 'email' }, projection: 'ALL' },
      { name: 'usernameIndex', key: { hash: 'username' }, projection: 'ALL' },
    ],
    serverActions: ['DescribeTable', 'GetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
  userKeys: {
    name: 'userKeys',
    attributes: { key: 'S' },
    key: { hash: 'key' },
    indexes: [],
    serverActions: ['DescribeTable', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
} as const satisfies Record<string, TableDefinition>;

/** The logical name of a table (`users`, `userKeys`). */
export type TableName = keyof typeof tables;

/** The physical name of every table under a prefix (`dynamodb_table_prefix`). */
export function tableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(
    Object.entries(tables).map(([logical, definition]) => [logical, `${prefix}${definition.name}`]),
  ) as Record<TableName, string>;
}

/** The key prefix of the profile images in the bucket (`profileImageKeyPrefix` of `libraries/s3client.ts`). */
const profileImageKeyPrefix = 'profile-images/';

/** The S3 object actions the server calls on the profile images (`profileImageActions` of `libraries/s3client.ts`). */
const profileImageActions = ['s3:PutObject', 's3:DeleteObject'] as const;

export interface IamPolicyOptions {
  /** Whose policy; the deploy kit needs the server's only. */
  role: 'server';
  /** The AWS region of the tables (`aws_region`). */
  region: string;
  /** The AWS account id (12 digits). */
  account?: string | undefined;
  /** `dynamodb_table_prefix`. */
  tablePrefix: string;
  /** `s3_bucket`. */
  bucket: string;
  /** The table definitions by logical name (`tables`). */
  tables: Readonly<Record<string, TableDefinition>>;
}

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const sidPart = (name: string) => name.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase());

/** The least-privilege IAM policy of the server (what `node-jobs iam-policy` prints) for one configuration. */
export function iamPolicy(options: IamPolicyOptions): IamPolicyDocument {
  const { region, tablePrefix, bucket, tables: definitions } = options;
  if (options.account !== undefined && !/^\d{12}$/.test(options.account))
    throw new Error(`An AWS account id is 12 digits, not "${options.account}".`);
  const partition = partitionOf(region);
  const account = options.account ?? 'ACCOUNT_ID';
  const tableArn = (definition: TableDefinition) =>
    `arn:${partition}:dynamodb:${region}:${account}:table/${tablePrefix}${definition.name}`;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();
  return {
    Version: '2012-10-17',
    Statement: [
      ...Object.entries(definitions).map(([logical, definition]) => ({
        Sid: `Table${sidPart(logical)}`,
        Effect: 'Allow' as const,
        Action: sorted(definition.serverActions.map((action) => `dynamodb:${action}`)),
        Resource: [tableArn(definition)],
      })),
      { Sid: 'ProfileImagesBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn] },
      {
        Sid: 'ProfileImages',
        Effect: 'Allow',
        Action: sorted(profileImageActions),
        Resource: [`${bucketArn}/${profileImageKeyPrefix}*`],
      },
    ],
  };
}
