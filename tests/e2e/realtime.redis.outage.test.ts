import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketError } from '../../client';
import { freePort, startRedisServer, type LocalService } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';

// A redis-server of its own, stopped and started again on the same port by the test.
let port: number;
let redis: LocalService | undefined;
let server: TestServer;
let upstream: Upstream;
beforeAll(async () => {
  port = await freePort();
  redis = await startRedisServer({ port });
  upstream = await startUpstream();
  // A board asked per location, with the search limit on: each new town is a cold search that counts.
  server = await startTestServer({
    redis_port: port,
    jobs_provider: 'github',
    jobs_api_url: `${upstream.url}/github/positions.json`,
    rate_limit_search: 100,
    random_job_interval_ms: 3_600_000,
  });
});
afterAll(async () => {
  await server.stop();
  await upstream.close();
  await redis?.stop();
});

describe('jobRequest while Redis is down', () => {
  it('answers a cold search "unavailable", not "rate limited" (its limit cannot be counted), and searches again once Redis is back', async () => {
    const connection = server.client().jobs.connect({ transports: ['websocket'] });
    try {
      await connection.connected();
      await redis!.stop();
      redis = undefined;
      const refused = await connection.requestJob('a town never searched').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SocketError);
      expect(refused).toMatchObject({ code: 'unavailable' });
      expect(await connection.socket.timeout(10_000).emitWithAck('jobRequest', 'another town')).toEqual({
        error: 'unavailable',
      });

      redis = await startRedisServer({ port });
      const answer = () =>
        connection.requestJob('a town never searched').then(
          () => 'answered',
          (error: unknown) => (error instanceof SocketError ? error.code : String(error)),
        );
      await expect.poll(answer, { timeout: 20_000 }).toBe('answered');
    } finally {
      connection.close();
    }
  });
});
