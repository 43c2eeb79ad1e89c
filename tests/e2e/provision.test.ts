import { CreateTableCommand, DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { GetBucketCorsCommand, HeadBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { tableNames } from '../../models/tables';
import { runCli } from '../harness/cli';
import { dynamodbInspector, freshResources, provisionEnv, s3Inspector } from '../harness/localAws';

// What the test stack's services do not implement, and provision therefore reports as skipped:
// DynamoDB Local has no point-in-time recovery (UnknownOperationException), s3rver no public access
// block and no lifecycle configuration (NotImplemented). Against AWS these are changes like the others.
const dynamodb = dynamodbInspector();
const s3 = s3Inspector();
afterAll(() => {
  dynamodb.destroy();
  s3.destroy();
});

const describeTable = async (name: string): Promise<TableDescription | undefined> =>
  (await dynamodb.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined }))).Table;
const bucketExists = (bucket: string) =>
  s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
const provision = (resources: { prefix: string; bucket: string }, ...args: string[]) =>
  runCli(['provision', ...args], { env: provisionEnv(resources) });
/** The lines of the output that report one thing (indented under the heading). */
const reported = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim());

describe('node-jobs provision', () => {
  it('lists what it would create in a dry run, and creates nothing', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    const result = await provision(resources, '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(reported(result.stdout)).toEqual([
      `DynamoDB table ${names.users}: would create (key id (S) + email (S); on-demand; deletion protection)`,
      `DynamoDB table ${names.users}: turn on point-in-time recovery: skipped, the endpoint does not implement it (UnknownOperationException)`,
      `DynamoDB table ${names.userKeys}: would create (key key (S); on-demand; deletion protection)`,
      `DynamoDB table ${names.userKeys}: turn on point-in-time recovery: skipped, the endpoint does not implement it (UnknownOperationException)`,
      `S3 bucket ${resources.bucket}: would create (in eu-central-1)`,
      `S3 bucket ${resources.bucket}: would block all public access`,
      `S3 bucket ${resources.bucket}: would set CORS: PUT from https://app.example with Content-Type and Content-Length`,
      `S3 bucket ${resources.bucket}: would remove incomplete multipart uploads after 1 day`,
    ]);
    expect(result.stdout).toContain('Dry run: 6 changes to make, none made; 2 settings skipped.');
    expect(await describeTable(names.users)).toBeUndefined();
    expect(await describeTable(names.userKeys)).toBeUndefined();
    expect(await bucketExists(resources.bucket)).toBe(false);
  });

  it('creates both tables and the bucket, reporting each change and each setting the local services lack; a second run changes nothing', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    const first = await provision(resources);
    expect(first.code, first.stderr).toBe(0);
    expect(reported(first.stdout)).toEqual([
      `DynamoDB table ${names.users}: create (key id (S) + email (S); on-demand; deletion protection): done`,
      `DynamoDB table ${names.users}: turn on point-in-time recovery: skipped, the endpoint does not implement it (UnknownOperationException)`,
      `DynamoDB table ${names.userKeys}: create (key key (S); on-demand; deletion protection): done`,
      `DynamoDB table ${names.userKeys}: turn on point-in-time recovery: skipped, the endpoint does not implement it (UnknownOperationException)`,
      `S3 bucket ${resources.bucket}: create (in eu-central-1): done`,
      `S3 bucket ${resources.bucket}: block all public access: skipped, the endpoint does not implement it (NotImplemented)`,
      `S3 bucket ${resources.bucket}: set CORS: PUT from https://app.example with Content-Type and Content-Length: done`,
      `S3 bucket ${resources.bucket}: remove incomplete multipart uploads after 1 day: skipped, the endpoint does not implement it (NotImplemented)`,
    ]);
    expect(first.stdout).toContain('4 changes made; 4 settings skipped.');

    const users = await describeTable(names.users);
    expect(users).toMatchObject({
      TableStatus: 'ACTIVE',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      DeletionProtectionEnabled: true,
      KeySchema: [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'email', KeyType: 'RANGE' },
      ],
    });
    expect(users?.GlobalSecondaryIndexes).toBeUndefined();
    expect(await describeTable(names.userKeys)).toMatchObject({
      DeletionProtectionEnabled: true,
      KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
    });
    const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: resources.bucket }));
    expect(CORSRules).toEqual([
      expect.objectContaining({
        AllowedOrigins: ['https://app.example'],
        AllowedMethods: expect.arrayContaining(['PUT']),
        AllowedHeaders: ['Content-Type', 'Content-Length'],
      }),
    ]);

    const second = await provision(resources);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No change; 4 settings skipped.');
    expect(reported(second.stdout).filter((line) => !line.includes(': skipped, '))).toEqual([]);
  });

  it('completes what exists: turns on deletion protection, replaces other CORS rules', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: names.users,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'email', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'email', KeyType: 'RANGE' },
        ],
      }),
    );
    const created = await provision(resources);
    expect(created.code, created.stderr).toBe(0);
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: resources.bucket,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://old.example'], AllowedMethods: ['GET'] }] },
      }),
    );

    expect(reported(created.stdout)).toEqual(
      expect.arrayContaining([`DynamoDB table ${names.users}: turn on deletion protection: done`]),
    );
    const users = await describeTable(names.users);
    expect(users?.DeletionProtectionEnabled).toBe(true);

    const again = await provision(resources);
    expect(reported(again.stdout).filter((line) => !line.includes(': skipped, '))).toEqual([
      `S3 bucket ${resources.bucket}: set CORS: PUT from https://app.example with Content-Type and Content-Length: done`,
    ]);
  });

  it('exits 1 naming a table whose key differs, and still provisions the rest', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: names.userKeys,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const result = await provision(resources);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `DynamoDB table ${names.userKeys}: its key is id \\(S\\), node-jobs needs key \\(S\\) \\(DynamoDB cannot change a key`,
      ),
    );
    expect(result.stderr).toContain('3 changes made; 3 settings skipped; 1 problem to fix by hand.');
    expect(await describeTable(names.users)).toMatchObject({ TableStatus: 'ACTIVE' });
    expect(await bucketExists(resources.bucket)).toBe(true);
  });
});
