import { describe, expect, it } from 'vitest';
import type { RecordedAwsOperation } from '../../libraries/awsClients';
import { accountPlaceholder, iamPolicy, type IamPolicyDocument } from '../../libraries/iamPolicy';
import { tableNames, tables } from '../../models/tables';
import { deniedOperations, permissionsOf, policyAllows, policyFor } from '../harness/awsOperations';

const settings = { region: 'eu-central-1', tablePrefix: 'jobs-', bucket: 'jobs-images', tables } as const;
const server = iamPolicy({ role: 'server', account: '123456789012', ...settings });
const provision = iamPolicy({ role: 'provision', account: '123456789012', ...settings });

const actions = (policy: IamPolicyDocument) => policy.Statement.flatMap((statement) => statement.Action);
const resources = (policy: IamPolicyDocument) => policy.Statement.flatMap((statement) => statement.Resource);

describe('the IAM policy of the server', () => {
  it('is an IAM policy document of Allow statements', () => {
    expect(server.Version).toBe('2012-10-17');
    expect(server.Statement.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(new Set(server.Statement.map((statement) => statement.Sid)).size).toBe(server.Statement.length);
    expect(server.Statement.every((statement) => /^[A-Za-z0-9]+$/.test(statement.Sid))).toBe(true);
  });

  it('has no * in any action, and in a resource only the key prefix of the profile images', () => {
    for (const policy of [server, provision]) {
      expect(actions(policy).filter((action) => action.includes('*'))).toEqual([]);
      expect(resources(policy).filter((resource) => resource.includes('*'))).toEqual(
        policy === server ? ['arn:aws:s3:::jobs-images/profile-images/*'] : [],
      );
    }
  });

  it('allows only the DynamoDB actions the server calls, each on its own table, and no index', () => {
    const names = tableNames('jobs-');
    const onTable = (name: string) =>
      server.Statement.filter((statement) =>
        statement.Resource.includes(`arn:aws:dynamodb:eu-central-1:123456789012:table/${name}`),
      ).flatMap((statement) => statement.Action);
    expect(onTable(names.users).sort()).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    expect(onTable(names.userKeys).sort()).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    const dynamodbResources = resources(server).filter((resource) => resource.startsWith('arn:aws:dynamodb:'));
    expect(dynamodbResources.sort()).toEqual(
      [names.users, names.userKeys].map((name) => `arn:aws:dynamodb:eu-central-1:123456789012:table/${name}`).sort(),
    );
  });

  it('allows S3 object writes and deletions under profile-images/ only, and the bucket check on the bucket', () => {
    expect(
      policyAllows(server, { action: 's3:PutObject', resource: 'arn:aws:s3:::jobs-images/profile-images/42' }),
    ).toBe(true);
    expect(
      policyAllows(server, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::jobs-images/profile-images/42' }),
    ).toBe(true);
    expect(policyAllows(server, { action: 's3:PutObject', resource: 'arn:aws:s3:::jobs-images/other/42' })).toBe(false);
    expect(policyAllows(server, { action: 's3:PutObject', resource: 'arn:aws:s3:::another/profile-images/42' })).toBe(
      false,
    );
    expect(policyAllows(server, { action: 's3:ListBucket', resource: 'arn:aws:s3:::jobs-images' })).toBe(true);
    expect(policyAllows(server, { action: 's3:PutBucketCORS', resource: 'arn:aws:s3:::jobs-images' })).toBe(false);
    expect(policyAllows(server, { action: 'dynamodb:CreateTable', resource: resources(server)[0]! })).toBe(false);
  });

  it('uses the configured region and account in the ARNs, the partition of the region, and a placeholder without an account', () => {
    const china = iamPolicy({ role: 'server', account: '123456789012', ...settings, region: 'cn-north-1' });
    expect(resources(china)).toContain('arn:aws-cn:dynamodb:cn-north-1:123456789012:table/jobs-users');
    expect(resources(china)).toContain('arn:aws-cn:s3:::jobs-images');
    const unknownAccount = iamPolicy({ role: 'server', ...settings });
    expect(resources(unknownAccount)).toContain(`arn:aws:dynamodb:eu-central-1:${accountPlaceholder}:table/jobs-users`);
  });

  it('refuses an account id that is not 12 digits', () => {
    expect(() => iamPolicy({ role: 'server', account: '1234', ...settings })).toThrow(/12 digits/);
  });
});

describe('the IAM policy of provision', () => {
  it('allows creating and completing the two tables and the bucket, and no item or object access', () => {
    expect(actions(provision).sort()).toEqual(
      [
        'dynamodb:CreateTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:DescribeTable',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:UpdateTable',
        's3:CreateBucket',
        's3:GetBucketCORS',
        's3:GetBucketPublicAccessBlock',
        's3:GetLifecycleConfiguration',
        's3:ListBucket',
        's3:PutBucketCORS',
        's3:PutBucketPublicAccessBlock',
        's3:PutLifecycleConfiguration',
      ].sort(),
    );
    expect(resources(provision).sort()).toEqual(
      [
        'arn:aws:dynamodb:eu-central-1:123456789012:table/jobs-userKeys',
        'arn:aws:dynamodb:eu-central-1:123456789012:table/jobs-users',
        'arn:aws:s3:::jobs-images',
      ].sort(),
    );
  });
});

describe('the check of recorded AWS operations against the policy (tests/harness/awsOperations.ts)', () => {
  const recorded = (
    operation: string,
    targets: RecordedAwsOperation['targets'],
    role: RecordedAwsOperation['role'] = 'server',
  ): RecordedAwsOperation => ({
    operation,
    role,
    scope: { region: 'eu-central-1', tablePrefix: 'jobs-', bucket: 'jobs-images' },
    targets,
  });

  it('passes what the server does', () => {
    expect(
      deniedOperations([
        recorded('dynamodb:Query', { TableName: 'jobs-users' }),
        recorded('dynamodb:TransactWriteItems', {
          TransactItems: [
            { kind: 'Put', TableName: 'jobs-users' },
            { kind: 'Delete', TableName: 'jobs-userKeys' },
          ],
        }),
        recorded('s3:PutObject', { Bucket: 'jobs-images', Key: 'profile-images/42' }),
        recorded('s3:HeadBucket', { Bucket: 'jobs-images' }),
        recorded('dynamodb:CreateTable', { TableName: 'jobs-users' }, 'provision'),
        recorded('s3:PutBucketCors', { Bucket: 'jobs-images' }, 'provision'),
      ]),
    ).toEqual([]);
  });

  it('fails an operation the printed policy does not allow, naming what it lacks', () => {
    expect(
      deniedOperations([
        recorded('dynamodb:ListTables', {}),
        recorded('dynamodb:Query', { TableName: 'jobs-users', IndexName: 'emailIndex' }),
        recorded('dynamodb:TransactWriteItems', {
          TransactItems: [{ kind: 'ConditionCheck', TableName: 'jobs-users' }],
        }),
        recorded('dynamodb:GetItem', { TableName: 'other-users' }),
        recorded('s3:DeleteObject', { Bucket: 'jobs-images', Key: 'elsewhere/42' }),
        recorded('dynamodb:CreateTable', { TableName: 'jobs-users' }),
        recorded('s3:PutBucketCors', { Bucket: 'jobs-images' }),
      ]),
    ).toEqual([
      'server dynamodb:ListTables: dynamodb:ListTables on *',
      'server dynamodb:Query: dynamodb:Query on arn:aws:dynamodb:eu-central-1:123456789012:table/jobs-users/index/emailIndex',
      'server dynamodb:TransactWriteItems: dynamodb:ConditionCheckItem on arn:aws:dynamodb:eu-central-1:123456789012:table/jobs-users',
      'server dynamodb:GetItem: dynamodb:GetItem on arn:aws:dynamodb:eu-central-1:123456789012:table/other-users',
      'server s3:DeleteObject: s3:DeleteObject on arn:aws:s3:::jobs-images/elsewhere/42',
      'server dynamodb:CreateTable: dynamodb:CreateTable on arn:aws:dynamodb:eu-central-1:123456789012:table/jobs-users',
      'server s3:PutBucketCors: s3:PutBucketCORS on arn:aws:s3:::jobs-images',
    ]);
  });

  it('refuses to judge an S3 operation it has no IAM meaning for', () => {
    expect(() => permissionsOf(recorded('s3:PutBucketPolicy', { Bucket: 'jobs-images' }))).toThrow(/No IAM meaning/);
  });

  it('checks each operation against the policy of its own configuration', () => {
    const elsewhere: RecordedAwsOperation = {
      ...recorded('dynamodb:GetItem', { TableName: 'other-userKeys' }),
      scope: { region: 'us-east-1', tablePrefix: 'other-' },
    };
    expect(policyFor(elsewhere).Statement[1]!.Resource).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/other-userKeys',
    ]);
    expect(deniedOperations([elsewhere])).toEqual([]);
  });
});
