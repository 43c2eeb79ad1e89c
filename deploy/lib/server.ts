/**
 * Everything the deploy kit takes from the server, in one file: the DynamoDB tables as the server
 * checks them, and the IAM policy `node-jobs iam-policy` prints. The rest of deploy/ imports the
 * server only through here (tests/unit/architecture.test.ts holds it to that).
 */

// TEMPORARY until w-tables merges: a copy of `models/tables.ts` and `libraries/tableDefinition.ts`,
// and a stand-in for the policy function of `node-jobs iam-policy`. After the merge this file only
// re-exports: `export { tables, tableNames, type TableDefinition } from '../../models/tables';` and
// the policy function from `../../libraries/` (adapted to `serverPolicy(scope)` below if its name or
// parameters differ).

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

/** Where the server's policy applies: the account and region, the tables' prefix and the bucket. */
export interface PolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly tablePrefix: string;
  readonly bucket: string;
}

/** One statement of an IAM policy document, as JSON. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

/** An IAM policy document, as `node-jobs iam-policy` prints it. */
export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatementJson[];
}

/** The key prefix of the profile images in the bucket (`libraries/s3client.ts` profileImageKey). */
const imagesPrefix = 'profile-images/';

/** The least-privilege policy of the running server (and of its account commands). */
export function serverPolicy(scope: PolicyScope): PolicyDocumentJson {
  const names = tableNames(scope.tablePrefix);
  const tableArn = (name: string) => `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${name}`;
  const tableStatements = (Object.keys(tables) as TableName[]).map((logical): PolicyStatementJson => ({
    Sid: `Table${logical[0]!.toUpperCase()}${logical.slice(1)}`,
    Effect: 'Allow',
    Action: tables[logical].serverActions.map((action) => `dynamodb:${action}`),
    Resource: [
      tableArn(names[logical]),
      ...tables[logical].indexes.map((index) => `${tableArn(names[logical])}/index/${index.name}`),
    ],
  }));
  return {
    Version: '2012-10-17',
    Statement: [
      ...tableStatements,
      {
        Sid: 'Bucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:${scope.partition}:s3:::${scope.bucket}`],
      },
      {
        Sid: 'ProfileImages',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        Resource: [`arn:${scope.partition}:s3:::${scope.bucket}/${imagesPrefix}*`],
      },
    ],
  };
}
