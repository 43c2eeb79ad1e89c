import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { iamPolicy } from '../../libraries/iamPolicy';
import { tables } from '../../models/tables';
import { deniedOperations, distinctOperations, readOperations } from '../harness/awsOperations';
import { cliSettings, exited, runCli, spawnCli, waitForLine } from '../harness/cli';
import { productionServeEnv, provisionEnv } from '../harness/localAws';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser, signUp } from '../harness/users';

// Every AWS client of the server, the CLI and provision logs what it sends while the tests run (the
// harness sets NODE_JOBS_AWS_OPERATIONS_LOG, see libraries/awsClients.ts); the whole suite's log is also
// checked when the run ends (tests/harness/globalSetup.ts). This file sends one of each thing on
// resources of its own and checks those.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);

describe('the AWS operations the code sends', () => {
  it('are all allowed by the printed policy: every account route, the account commands, serve in production and provision', async () => {
    const resources = { prefix: server.config.dynamodb_table_prefix, bucket: server.config.s3_bucket };
    const cli = { ...cliSettings(server), S3_ENDPOINT: server.config.s3_endpoint!, S3_BUCKET: resources.bucket };

    const client = server.client();
    const { user, credentials } = await signUp(client);
    await client.sessions.current();
    await client.users.list({ limit: 10 });
    await client.users.get(user.id);
    await client.users.update(user.id, { username: newUser().username });
    await client.users.update(user.id, { email: newUser().email });
    await client.users.uploadImage(user.id, png, 'image/png');
    await client.users.changePassword(user.id, {
      currentPassword: credentials.password,
      newPassword: `${goodPassword} 2`,
    });
    const other = server.client();
    const { user: otherUser } = await signUp(other);
    await other.users.remove(otherUser.id);
    expect((await fetch(`${server.server.url}/healthz`)).status).toBe(200);

    const third = await signUp(server.client());
    for (const command of ['user-make-admin', 'user-revoke-admin', 'user-logout', 'user-delete']) {
      const result = await runCli([command, '-u', third.credentials.email], { env: cli });
      expect(result.code, `${command}: ${result.stderr}`).toBe(0);
    }

    const provisioned = await runCli(['provision'], { env: provisionEnv(resources) });
    expect(provisioned.code, provisioned.stderr).toBe(0);
    const production = spawnCli(['serve'], { env: productionServeEnv(resources, server.directory) });
    try {
      await waitForLine(production, /node-jobs API: /, 90_000);
    } finally {
      production.kill('SIGTERM');
      await exited(production);
    }

    const sent = readOperations(inject('stack').awsOperationsLog).filter(
      (recorded) => recorded.scope.tablePrefix === resources.prefix || recorded.scope.bucket === resources.bucket,
    );
    expect(deniedOperations(sent)).toEqual([]);
    const operations = distinctOperations(sent);
    expect(operations).toEqual(
      expect.arrayContaining([
        'server dynamodb:DescribeTable',
        'server dynamodb:GetItem',
        'server dynamodb:Query',
        'server dynamodb:Scan',
        'server dynamodb:TransactWriteItems',
        'server dynamodb:UpdateItem',
        'server s3:DeleteObject',
        'server s3:HeadBucket',
        'server s3:PutObject',
        'provision dynamodb:CreateTable',
        'provision dynamodb:DescribeContinuousBackups',
        'provision dynamodb:DescribeTable',
        'provision dynamodb:UpdateTable',
        'provision s3:CreateBucket',
        'provision s3:GetBucketCors',
        'provision s3:GetBucketLifecycleConfiguration',
        'provision s3:GetPublicAccessBlock',
        'provision s3:HeadBucket',
        'provision s3:PutBucketCors',
      ]),
    );
    expect(operations.filter((operation) => operation.includes('ListTables'))).toEqual([]);
    console.log(`AWS operations of this file: ${operations.join(', ')}`);
  });
});

describe('node-jobs iam-policy', () => {
  const env = { DYNAMODB_TABLE_PREFIX: 'shop-', S3_BUCKET: 'shop-images', AWS_REGION: 'eu-west-3' };
  const expected = (role: 'server' | 'provision', account?: string) =>
    iamPolicy({ role, region: 'eu-west-3', account, tablePrefix: 'shop-', bucket: 'shop-images', tables });

  it("prints the server's policy for the configuration, with the account given", async () => {
    const result = await runCli(['iam-policy', '--account', '210987654321'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expected('server', '210987654321'));
    expect(result.stdout).toContain('arn:aws:dynamodb:eu-west-3:210987654321:table/shop-users');
    expect(result.stderr).toBe('');
  });

  it("prints provision's policy with --provision, and says what to replace without an account", async () => {
    const result = await runCli(['iam-policy', '--provision'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expected('provision'));
    expect(result.stderr).toMatch(/ACCOUNT_ID: pass --account <12-digit id>/);
  });

  it('exits 1 for an account id that is not 12 digits', async () => {
    const result = await runCli(['iam-policy', '--account', '12-34'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/12 digits/);
    expect(result.stdout).toBe('');
  });
});
