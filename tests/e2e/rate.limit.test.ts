import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { statusOf } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser } from '../harness/users';

describe('rate limits per client address', () => {
  let server: TestServer;
  let twin: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rate_limit_login: 3, rate_limit_register: 2, rate_limit_window_s: 60 });
    // A second process of the same deployment: it shares the Redis counters.
    twin = await startTestServer({
      rate_limit_login: 3,
      rate_limit_register: 2,
      rate_limit_window_s: 60,
      redis_key_prefix: server.config.redis_key_prefix,
    });
  });
  afterAll(async () => {
    await Promise.all([server.stop(), twin.stop()]);
  });

  it('answers 429 with Retry-After past rate_limit_register registrations, valid or not, across server processes', async () => {
    expect(await statusOf(server.client(), 'POST', '/users', newUser())).toBe(201);
    expect(await statusOf(twin.client(), 'POST', '/users', newUser({ email: 'invalid' }))).toBe(422);
    const response = await fetch(`${server.server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newUser()),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await response.json()).toMatchObject({ hasError: 1, error: expect.stringMatching(/Too many requests/) });
    expect(await statusOf(twin.client(), 'POST', '/users', newUser())).toBe(429);
  });

  it('counts logins apart from registrations: 429 past rate_limit_login attempts, right or wrong', async () => {
    const credentials = newUser();
    // The registration limit of this address is spent by now: store the user directly.
    await server.server.services.users.register(credentials);
    const attempts = [goodPassword, 'wrong password', goodPassword].map((password) =>
      statusOf(server.client(), 'POST', '/sessions', { email: credentials.email, password }),
    );
    expect((await Promise.all(attempts)).sort()).toEqual([200, 200, 401]);
    expect(
      await statusOf(twin.client(), 'POST', '/sessions', { email: credentials.email, password: goodPassword }),
    ).toBe(429);
  });
});

describe('the rate-limit window', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rate_limit_login: 1, rate_limit_window_s: 1 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lets the client in again once the window is over', async () => {
    const login = () =>
      statusOf(server.client(), 'POST', '/sessions', { email: 'someone@example.com', password: goodPassword });
    expect(await login()).toBe(401);
    expect(await login()).toBe(429);
    await waitUntil(async () => (await login()) === 401, 15_000, 'the login window to end');
  });
});

describe('rate limits behind a load balancer', () => {
  const register = (server: TestServer, forwardedFor: string) =>
    fetch(`${server.server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify(newUser()),
    }).then((response) => response.status);

  it('counts each forwarded client apart when trust_proxy is set', async () => {
    const server = await startTestServer({ rate_limit_register: 1, trust_proxy: 1 });
    try {
      expect(await register(server, '203.0.113.1')).toBe(201);
      expect(await register(server, '203.0.113.1')).toBe(429);
      expect(await register(server, '203.0.113.2')).toBe(201);
    } finally {
      await server.stop();
    }
  });

  it('ignores a forged X-Forwarded-For when trust_proxy is off', async () => {
    const server = await startTestServer({ rate_limit_register: 1 });
    try {
      expect(await register(server, '203.0.113.1')).toBe(201);
      expect(await register(server, '203.0.113.2')).toBe(429);
    } finally {
      await server.stop();
    }
  });
});

describe('rate limits on Redis 6', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rate_limit_login: 5, rate_limit_window_s: 60 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('counts with commands and options Redis 6 accepts (no PEXPIRE … NX), as MONITOR on the test Redis shows', async () => {
    const monitor = await new IORedis({ port: server.config.redis_port, lazyConnect: true }).monitor();
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
    try {
      const login = () =>
        statusOf(server.client(), 'POST', '/sessions', { email: 'someone-else@example.com', password: goodPassword });
      expect(await login()).toBe(401);
      await waitUntil(
        async () => commands.some(([name]) => name?.toLowerCase() === 'pexpire'),
        5000,
        'MONITOR to show the counting',
      );
      const counting = commands.filter((args) => args.some((arg) => arg.includes('ratelimit:')));
      const names = new Set(counting.map(([name]) => name!.toLowerCase()));
      expect([...names].sort()).toEqual(['eval', 'incr', 'pexpire', 'pttl']);
      for (const args of counting.filter(([name]) => name!.toLowerCase() !== 'eval')) {
        expect(args.slice(1).map((arg) => arg.toUpperCase())).not.toContain('NX');
      }
      // The window holds: the next attempts count on, under the same expiry.
      for (let attempt = 2; attempt <= 5; attempt += 1) expect(await login()).toBe(401);
      expect(await login()).toBe(429);
    } finally {
      monitor.disconnect();
    }
  });
});
