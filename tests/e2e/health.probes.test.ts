import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { createHealthRouter, HealthReports } from '../../services/health/health.router';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe('GET /healthz probes', () => {
  it('asks DynamoDB and Redis once for a burst of polls, and shows a failure within about a second with Retry-After (the failure is a mock: a service cannot be stopped for one probe)', async () => {
    const { dynamoose, redis } = server.server.clients;
    const pings = { dynamodb: 0, redis: 0 };
    let redisDown = false;
    const health = createHealthRouter(
      new HealthReports({
        dynamoose: { ping: () => (pings.dynamodb++, dynamoose.ping()) },
        redis: {
          ping: () => (pings.redis++, redisDown ? Promise.reject(new Error('mock: Redis refused')) : redis.ping()),
        },
      }),
    );
    const app = express().use('/healthz', health.router);
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/healthz`;
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(url)).status));
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect((await fetch(url)).status).toBe(200);
      expect(pings).toEqual({ dynamodb: 1, redis: 1 });

      redisDown = true;
      const down = performance.now();
      let failing = await fetch(url);
      await waitUntil(async () => (failing = await fetch(url)).status === 503, 3000, 'the failure to show');
      expect(performance.now() - down).toBeLessThan(1500);
      // A client (a container's HEALTHCHECK, a load balancer) is told when to ask again.
      expect(failing.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
