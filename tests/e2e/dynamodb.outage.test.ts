import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../client';
import { freePort, startDynamoDbLocal, waitUntil, type LocalService } from '../../devtools/localStack';
import { provision } from '../../libraries/provisioning';
import { tables } from '../../models/tables';
import { statusOf } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { newUser, signUp } from '../harness/users';

// A DynamoDB Local of its own (in memory), stopped and started again on the same port.
let port: number;
let dynamodb: LocalService | undefined;
let server: TestServer;
beforeAll(async () => {
  port = await freePort();
  dynamodb = await startDynamoDbLocal({ port });
  server = await startTestServer({ dynamodb_endpoint: `http://127.0.0.1:${port}` });
});
afterAll(async () => {
  await server.stop();
  await dynamodb?.stop();
});

describe('while DynamoDB is down', () => {
  it('answers 503 with a readable message, keeps serving job searches, and reports it in /healthz', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    await dynamodb!.stop();
    dynamodb = undefined;

    const refused = await server
      .client()
      .users.create(newUser())
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503, message: expect.stringMatching(/unavailable/i) });
    expect(
      await statusOf(server.client(), 'POST', '/sessions', {
        email: credentials.email,
        password: credentials.password,
      }),
    ).toBe(503);
    expect(await statusOf(client, 'GET', '/sessions')).toBe(503);
    expect((await client.jobs.search({ location: 'Berlin' })).length).toBeGreaterThan(0);
    const health = await fetch(`${server.server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      hasError: 1,
      checks: { dynamodb: { ok: false }, redis: { ok: true } },
    });

    // In-memory DynamoDB Local comes back empty: DynamoDB answers again, but without the tables the server
    // creates nothing by itself (that is `node-jobs provision`'s job) and says so in /healthz.
    dynamodb = await startDynamoDbLocal({ port });
    await waitUntil(
      async () => {
        const response = await fetch(`${server.server.url}/healthz`);
        const body = (await response.json()) as { checks: { dynamodb: { error?: string } } };
        return response.status === 503 && /table .* missing/.test(body.checks.dynamodb.error ?? '');
      },
      20_000,
      'DynamoDB to answer again, without the tables',
    );
    expect(await statusOf(client, 'GET', '/sessions')).toBe(503);
    const run = await provision(server.config, { tables, dryRun: false });
    expect(run.count('problem')).toBe(0);
    await waitUntil(
      async () => (await fetch(`${server.server.url}/healthz`)).status === 200,
      20_000,
      'DynamoDB to answer again with the tables',
    );
  }, 180_000);
});
