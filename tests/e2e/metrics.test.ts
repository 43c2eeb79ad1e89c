import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../client';
import { parseConfig } from '../../config/schema';
import { startTestServer, testAppKey, type TestServer } from '../harness/testServer';
import { goodPassword, signUp } from '../harness/users';

/** The value of one sample of the exposition (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present: Record<string, string | undefined> = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return 0;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

describe('GET /metrics (metrics = on)', () => {
  let server: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    [server, other] = await Promise.all([startTestServer({ metrics: 'on' }), startTestServer({ metrics: 'on' })]);
  });
  afterAll(async () => {
    await Promise.all([server.stop(), other.stop()]);
  });

  it('counts the requests, searches, logins, revocations and sockets this test made, by route pattern', async () => {
    const url = server.server.metricsUrl!;
    expect(url).toBe(`${server.server.url}/metrics`);
    const before = await scrape(url);
    const client = server.client();
    await client.jobs.search({ location: 'Berlin' });
    await client.jobs.search({ location: 'Berlin' });
    const { user, credentials } = await signUp(client);
    await client.users.get(user.id);
    await expect(
      server.client().sessions.login({ email: credentials.email, password: `${goodPassword}x` }),
    ).rejects.toBeInstanceOf(ApiError);
    await client.sessions.logout();
    const connection = server.client().jobs.connect();
    try {
      await connection.connected();
      const after = await scrape(url);
      const moved = (name: string, labels: Record<string, string> = {}) =>
        sample(after, name, labels) - sample(before, name, labels);

      expect(moved('jobs_cache_lookups_total', { result: 'miss' })).toBe(1);
      expect(moved('jobs_cache_lookups_total', { result: 'hit' })).toBe(1);
      expect(moved('jobs_upstream_calls_total', { outcome: 'ok' })).toBe(1);
      expect(moved('http_request_duration_seconds_count', { route: '/', method: 'GET', status: '200' })).toBe(2);
      expect(moved('http_request_duration_seconds_count', { route: '/users/:id', method: 'GET', status: '200' })).toBe(
        1,
      );
      expect(after).not.toContain(user.id);
      expect(moved('logins_total', { result: 'success' })).toBe(1);
      expect(moved('logins_total', { result: 'failure' })).toBe(1);
      expect(moved('token_revocations_total')).toBe(1);
      expect(sample(after, 'socketio_connected_sockets')).toBe(1);
      expect(after).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
      expect(after).toMatch(/^nodejs_heap_size_used_bytes \S+$/m);
      expect(after).toMatch(/^process_cpu_seconds_total \S+$/m);
    } finally {
      connection.close();
    }
  });

  it('keeps each server’s counters apart in one process', async () => {
    const before = await scrape(other.server.metricsUrl!);
    await server.client().jobs.search({ location: 'Paris' });
    const after = await scrape(other.server.metricsUrl!);
    expect(sample(after, 'jobs_cache_lookups_total', { result: 'miss' })).toBe(
      sample(before, 'jobs_cache_lookups_total', { result: 'miss' }),
    );
  });
});

describe('metrics off or on a port of its own', () => {
  it('is off by default, in production too: /metrics answers 404', async () => {
    expect(parseConfig({ app_key: testAppKey, cors_origin: 'https://app.example.com' }, 'production').metrics).toBe(
      'off',
    );
    const server = await startTestServer();
    try {
      expect(server.server.metricsUrl).toBeUndefined();
      expect((await fetch(`${server.server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('with a port, answers there and not on the API port', async () => {
    const server = await startTestServer({ metrics: 0 });
    try {
      const url = server.server.metricsUrl!;
      expect(new URL(url).port).not.toBe(String(server.server.port));
      await server.client().jobs.search({ location: 'Berlin' });
      expect(
        sample(await scrape(url), 'http_request_duration_seconds_count', { route: '/', method: 'GET', status: '200' }),
      ).toBe(1);
      expect((await fetch(`${server.server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
