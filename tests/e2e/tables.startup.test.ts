import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketCorsCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { parseConfig } from '../../config/schema';
import { provision } from '../../libraries/provisioning';
import { tableNames, tables } from '../../models/tables';
import { exited, runCli, spawnCli, waitForLine } from '../harness/cli';
import { statusOf } from '../harness/failure';
import { dynamodbInspector, freshResources, productionServeEnv, s3Inspector } from '../harness/localAws';
import { startTestServer, testConfigValues, type TestServer } from '../harness/testServer';
import { newUser, signUp } from '../harness/users';

const dynamodb = dynamodbInspector();
const s3 = s3Inspector();
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-startup-'));
});
afterAll(async () => {
  dynamodb.destroy();
  s3.destroy();
  await rm(directory, { recursive: true, force: true });
});

/** Creates the tables and the bucket as `node-jobs provision` does. */
async function provisioned(resources: { prefix: string; bucket: string }): Promise<void> {
  const config = parseConfig(
    testConfigValues(directory, { dynamodb_table_prefix: resources.prefix, s3_bucket: resources.bucket }),
    'test',
  );
  const run = await provision(config, { tables, dryRun: false });
  expect(run.count('problem')).toBe(0);
}

/** `node-jobs serve` in production against the test stack, run until it exits by itself. */
const serveInProduction = (resources: { prefix: string; bucket: string }) =>
  runCli(['serve'], { env: productionServeEnv(resources, directory) });

describe('node-jobs serve in production', () => {
  it('stops with one line naming the missing tables and node-jobs provision', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    const result = await serveInProduction(resources);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^node-jobs: DynamoDB tables ${names.users} and ${names.userKeys} do not exist \\(http://127\\.0\\.0\\.1:\\d+\\); create or complete the tables with: node-jobs provision\\.$`,
        'm',
      ),
    );
  });

  it('stops naming a table whose key differs, and what can be done about it', async () => {
    const resources = freshResources();
    const names = tableNames(resources.prefix);
    // The bucket is there (provisioned beside tables of another prefix); the tables of this prefix are not as defined.
    await provisioned({ ...resources, prefix: `${resources.prefix}ok-` });
    await dynamodb.send(
      new CreateTableCommand({
        TableName: names.users,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await dynamodb.send(
      new CreateTableCommand({
        TableName: names.userKeys,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      }),
    );
    const result = await serveInProduction(resources);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^node-jobs: DynamoDB table ${names.users} differs: its key is id \\(S\\), node-jobs needs id \\(S\\) \\+ email \\(S\\) \\(http://127\\.0\\.0\\.1:\\d+\\); DynamoDB cannot change a key or an index in place: .*node-jobs provision.*\\.$`,
        'm',
      ),
    );
  });

  it('stops naming a bucket that does not exist and node-jobs provision', async () => {
    const resources = freshResources();
    await provisioned(resources);
    const result = await serveInProduction({ ...resources, bucket: `${resources.bucket}-missing` });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^node-jobs: S3 bucket ${resources.bucket}-missing does not exist \\(http://127\\.0\\.0\\.1:\\d+\\); create it with: node-jobs provision\\.$`,
        'm',
      ),
    );
  });

  it('starts against provisioned tables and bucket, and leaves the bucket as it found it', async () => {
    const resources = freshResources();
    await provisioned(resources);
    const ownRules = [{ AllowedOrigins: ['https://own.example'], AllowedMethods: ['GET'], MaxAgeSeconds: 60 }];
    await s3.send(new PutBucketCorsCommand({ Bucket: resources.bucket, CORSConfiguration: { CORSRules: ownRules } }));
    const child = spawnCli(['serve'], { env: productionServeEnv(resources, directory) });
    try {
      const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 90_000);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: resources.bucket }));
      expect(CORSRules).toEqual([expect.objectContaining(ownRules[0])]);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
});

describe('a table deleted while the server runs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('turns /healthz to 503 naming dynamodb and every account route to 503, never 500, until it is back', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const healthz = async () => {
      const response = await fetch(`${server.server.url}/healthz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await healthz()).status).toBe(200);

    await dynamodb.send(new DeleteTableCommand({ TableName: server.server.clients.dynamoose.tableName('users') }));
    await waitUntil(async () => (await healthz()).status === 503, 10_000, '/healthz to see the table gone');
    expect((await healthz()).body).toEqual({
      status: 'degraded',
      checks: {
        dynamodb: { ok: false, error: 'DynamoDB is unavailable: a table this server needs is missing.' },
        redis: { ok: true },
      },
      hasError: 1,
      error: 'Unavailable: dynamodb.',
      code: 'service_unavailable',
    });
    const statuses = {
      current: await statusOf(client, 'GET', '/sessions'),
      get: await statusOf(client, 'GET', `/users/${user.id}`),
      list: await statusOf(client, 'GET', '/users'),
      update: await statusOf(client, 'PUT', `/users/${user.id}`, { username: newUser().username }),
      login: await statusOf(server.client(), 'POST', '/sessions', {
        email: credentials.email,
        password: credentials.password,
      }),
      register: await statusOf(server.client(), 'POST', '/users', newUser()),
    };
    expect(statuses).toEqual({ current: 503, get: 503, list: 503, update: 503, login: 503, register: 503 });

    // What an operator does: node-jobs provision creates the table again.
    const run = await provision(server.config, { tables, dryRun: false });
    const users = server.server.clients.dynamoose.tableName('users');
    expect(run.lines).toContainEqual(
      expect.objectContaining({
        resource: `DynamoDB table ${users}`,
        action: expect.stringMatching(/^create /),
        outcome: 'done',
      }),
    );
    await waitUntil(async () => (await healthz()).status === 200, 10_000, '/healthz to see the table back');
    expect(await statusOf(server.client(), 'POST', '/users', newUser())).toBe(201);
  });
});
