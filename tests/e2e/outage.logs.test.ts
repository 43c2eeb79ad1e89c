import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDynamoDbLocal, startRedisServer, type LocalService } from '../../devtools/localStack';
import { statusOf } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';
import { recordingLogger } from '../harness/logger';

const requests = 50;

describe('the log during an outage of a service', () => {
  // A redis-server and a DynamoDB Local of their own, stopped by the tests.
  let redis: LocalService | undefined;
  let dynamodb: LocalService | undefined;
  let server: TestServer;
  const logger = recordingLogger();
  beforeAll(async () => {
    [redis, dynamodb] = await Promise.all([
      freePort().then((port) => startRedisServer({ port })),
      freePort().then((port) => startDynamoDbLocal({ port })),
    ]);
    server = await startTestServer(
      { redis_port: redis.port, dynamodb_endpoint: `http://127.0.0.1:${dynamodb.port}` },
      { logger },
    );
  }, 180_000);
  afterAll(async () => {
    await server.stop();
    await Promise.all([redis?.stop(), dynamodb?.stop()]);
  });

  it(`logs the 503s of ${requests} requests while Redis is down as one warning, not a line each`, async () => {
    const client = server.client();
    await signUp(client);
    await redis!.stop();
    redis = undefined;
    const before = logger.texts().length;
    const statuses = [];
    for (let i = 0; i < requests; i++) statuses.push(await statusOf(client, 'GET', '/sessions'));
    expect(statuses.every((status) => status === 503)).toBe(true);
    const during = logger.texts().slice(before);
    const about503 = during.filter((line) => line.includes('503'));
    console.log(
      `Redis down: ${during.length} log lines during ${requests} requests answered 503, ${about503.length} about the 503s:\n  ${during.slice(0, 5).join('\n  ')}`,
    );
    expect(about503).toHaveLength(1);
    expect(about503[0]).toMatch(/^warn Requests answer 503 \(The session store is unavailable.*\): GET \/sessions /);
    expect(during.length).toBeLessThanOrEqual(3);
  });

  it(`logs the 503s of ${requests} requests while DynamoDB is down too as one more warning, for this new failure`, async () => {
    await dynamodb!.stop();
    dynamodb = undefined;
    const before = logger.texts().length;
    const client = server.client();
    const statuses = [];
    for (let i = 0; i < requests; i++)
      statuses.push(
        await statusOf(client, 'POST', '/users', {
          email: `x${i}@example.com`,
          username: `user${i}x`,
          password: 'a long passphrase',
        }),
      );
    expect(statuses.every((status) => status === 503)).toBe(true);
    const during = logger.texts().slice(before);
    console.log(
      `DynamoDB down (Redis too): ${during.length} log lines during ${requests} requests answered 503:\n  ${during.slice(0, 5).join('\n  ')}`,
    );
    // A failure of another kind (Redis is still down: its own goes on, unlogged) starts with its own line.
    expect(during.filter((line) => line.includes('503'))).toEqual([
      expect.stringMatching(/^warn Requests answer 503 \(.+\): POST \/users /),
    ]);
    expect(during.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
