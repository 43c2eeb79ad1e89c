import { bucketProvisioningActions } from './bucketSetup';
import { tableProvisioningActions } from './dynamoTables';
import { profileImageActions, profileImageKeyPrefix } from './s3client';
import { physicalTableName, type TableDefinition } from './tableDefinition';

/**
 * The least-privilege IAM policy of node-jobs: what `node-jobs iam-policy` prints and what the
 * deploy kit gives the ECS task role. Only the actions the code calls, each on the resources it
 * calls it on; no `*` in any action, and in a resource only the object-key prefix of the images.
 */

/** Whose policy: the running server's (the CLI's account commands included), or `provision`'s. */
export type PolicyRole = 'server' | 'provision';

export interface IamPolicyOptions {
  role: PolicyRole;
  /** The AWS region of the tables (`aws_region`). */
  region: string;
  /** The AWS account id (12 digits); `ACCOUNT_ID` stands in its place when undefined. */
  account?: string | undefined;
  /** `dynamodb_table_prefix`. */
  tablePrefix: string;
  /** `s3_bucket`. */
  bucket: string;
  /** The table definitions by logical name (`tables` of `models/tables.ts`). */
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

/** What the ARNs show when no account id is given. */
export const accountPlaceholder = 'ACCOUNT_ID';

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `users` → `Users`, for statement ids (letters and digits only). */
const sidPart = (name: string) => name.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase());

/**
 * The least-privilege IAM policy of the server (`role: 'server'`) or of `node-jobs provision`
 * (`role: 'provision'`) for one configuration.
 * @throws Error when `account` is given but is not 12 digits
 */
export function iamPolicy(options: IamPolicyOptions): IamPolicyDocument {
  const { region, tablePrefix, bucket, tables } = options;
  if (options.account !== undefined && !/^\d{12}$/.test(options.account))
    throw new Error(`An AWS account id is 12 digits, not "${options.account}".`);
  const partition = partitionOf(region);
  const account = options.account ?? accountPlaceholder;
  const tableArn = (definition: TableDefinition) =>
    `arn:${partition}:dynamodb:${region}:${account}:table/${physicalTableName(tablePrefix, definition)}`;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();

  if (options.role === 'provision') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ProvisionTables',
          Effect: 'Allow',
          Action: sorted(tableProvisioningActions),
          Resource: Object.values(tables).map(tableArn),
        },
        { Sid: 'ProvisionBucket', Effect: 'Allow', Action: sorted(bucketProvisioningActions), Resource: [bucketArn] },
      ],
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      ...Object.entries(tables).map(([logical, definition]) => ({
        Sid: `Table${sidPart(logical)}`,
        Effect: 'Allow' as const,
        Action: sorted(definition.serverActions.map((action) => `dynamodb:${action}`)),
        Resource: [tableArn(definition)],
      })),
      // HeadBucket, the start-up check that the bucket is there, needs s3:ListBucket on the bucket itself.
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
