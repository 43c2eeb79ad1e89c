import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../client';
import { freePort, startRedisServer, waitUntil, type LocalService } from '../../devtools/localStack';
import { failure, statusOf } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { newUser, signUp } from '../harness/users';

const run = promisify(execFile);

// A redis-server of its own, stopped and started again on the same port by the tests.
let port: number;
let redis: LocalService | undefined;
let server: TestServer;
beforeAll(async () => {
  port = await freePort();
  redis = await startRedisServer({ port });
  server = await startTestServer({ redis_port: port, rate_limit_login: 100 });
});
afterAll(async () => {
  await server.stop();
  await redis?.stop();
});

describe('while Redis is down', () => {
  it('answers 503 to authenticated requests and logins, then works again once Redis is back, without a restart', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    expect((await client.sessions.current()).id).toBe(user.id);

    await redis!.stop();
    redis = undefined;
    const refused = await client.sessions.current().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503 });
    expect(await statusOf(client, 'GET', '/users')).toBe(503);
    expect(await statusOf(client, 'GET', `/users/${user.id}`)).toBe(503);
    expect((await failure(client.sessions.logout())).status).toBe(503);
    // The token was not forgotten, since the logout did not happen.
    expect(client.storage.get()).not.toBeNull();
    // Counting login attempts needs Redis too: no unlimited guessing while it is away.
    expect(
      await statusOf(server.client(), 'POST', '/sessions', {
        email: credentials.email,
        password: credentials.password,
      }),
    ).toBe(503);
    // Registration needs no Redis when its limit is off.
    const registered = newUser();
    await expect(server.client().users.create(registered)).resolves.toMatchObject({
      email: registered.email,
      username: registered.username,
      admin: false,
    });
    // /healthz names Redis as what is missing.
    const health = await fetch(`${server.server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      hasError: 1,
      error: 'Unavailable: redis.',
      checks: { dynamodb: { ok: true }, redis: { ok: false } },
    });

    // This Redis keeps nothing on disk: back, it has lost every session, and their tokens are refused
    // (fail closed, never let through); a new login works at once.
    redis = await startRedisServer({ port });
    await waitUntil(
      async () => (await statusOf(client, 'GET', '/sessions')) !== 503,
      10_000,
      'the server to use Redis again',
    );
    expect((await failure(client.sessions.current())).code).toBe('token_revoked');
    await client.sessions.login(credentials);
    expect((await client.users.get(user.id)).id).toBe(user.id);
    // /healthz reuses one round of probes for up to 1 s: ask until a round after Redis came back.
    let healthy = await fetch(`${server.server.url}/healthz`);
    await waitUntil(
      async () => (healthy = await fetch(`${server.server.url}/healthz`)).status === 200,
      10_000,
      '/healthz to see Redis again',
    );
    expect(await healthy.json()).toEqual({ status: 'ok', checks: { dynamodb: { ok: true }, redis: { ok: true } } });
    await client.sessions.logout();
    expect(client.storage.get()).toBeNull();
  });
});

describe('while Redis is up but stalled', () => {
  it('answers 503 instead of hanging while Redis answers nothing, then works again', async () => {
    const client = server.client();
    await signUp(client);
    const { stdout } = await run('redis-cli', ['-p', String(port), 'INFO', 'server']);
    const pid = Number(/process_id:(\d+)/.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // SIGSTOP freezes the real server until SIGCONT: it accepts connections but answers nothing,
    // so only the server's own Redis timeout can end this request.
    process.kill(pid, 'SIGSTOP');
    try {
      expect(await statusOf(client, 'GET', '/sessions')).toBe(503);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitUntil(
      async () => (await statusOf(client, 'GET', '/sessions')) === 200,
      10_000,
      'the server to use Redis again',
    );
  });
});
