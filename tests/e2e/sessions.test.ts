import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, LocalStorageAdapter, type WebStorageLike } from '../../client';
import { sessionKey, userSessionsKey } from '../../libraries/sessionRecords';
import { failure } from '../harness/failure';
import { startTestServer, testAppKey, type TestServer } from '../harness/testServer';
import { clientWithToken, goodPassword, newUser, signUp } from '../harness/users';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('POST /sessions', () => {
  it('answers the user and a token in the body and in an Authorization header exposed through CORS', async () => {
    const credentials = newUser();
    const user = await server.client().users.create(credentials);
    const response = await fetch(`${server.server.url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://app.example' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown; token: string };
    // On the wire the picture is root-relative; the SDK makes it absolute against its base URL.
    expect(body.data).toEqual({ ...user, image: `/users/${user.id}/image` });
    expect(response.headers.get('authorization')).toBe(`Bearer ${body.token}`);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/authorization/i);
    const claims = jwt.verify(body.token, testAppKey, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims.sub).toBe(user.id);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(jwt.decode(body.token, { complete: true })?.header.alg).toBe('HS256');
  });

  it('accepts an urlencoded body and an email in another case', async () => {
    const credentials = newUser();
    await server.client().users.create(credentials);
    const response = await fetch(`${server.server.url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: credentials.email.toUpperCase(), password: credentials.password }).toString(),
    });
    expect(response.status).toBe(200);
  });

  it('stores the token in the client and tells token listeners', async () => {
    const client = server.client();
    const seen: (string | null)[] = [];
    const unsubscribe = client.onTokenChange((token) => seen.push(token));
    const { token } = await signUp(client);
    expect(client.storage.get()).toBe(token);
    await client.sessions.logout();
    unsubscribe();
    await client.sessions.login({
      email: (await server.client().users.create(newUser({ password: goodPassword }))).email,
      password: goodPassword,
    });
    expect(seen).toEqual([token, null]);
  });

  it('keeps the token in a LocalStorageAdapter', async () => {
    const entries = new Map<string, string>();
    const webStorage: WebStorageLike = {
      getItem: (key) => entries.get(key) ?? null,
      setItem: (key, value) => void entries.set(key, value),
      removeItem: (key) => void entries.delete(key),
    };
    const client = createClient({
      baseURL: server.server.url,
      storage: new LocalStorageAdapter('session', webStorage),
    });
    const { token, user } = await signUp(client);
    expect(entries.get('session')).toBe(token);
    // Another client on the same storage (a reloaded page) is still logged in.
    const reloaded = createClient({
      baseURL: server.server.url,
      storage: new LocalStorageAdapter('session', webStorage),
    });
    expect((await reloaded.sessions.current()).id).toBe(user.id);
    await reloaded.sessions.logout();
    expect(entries.has('session')).toBe(false);
  });

  it('answers a wrong password and an unknown email alike with 401', async () => {
    const credentials = newUser();
    await server.client().users.create(credentials);
    const wrongPassword = await failure(
      server.client().sessions.login({ email: credentials.email, password: 'wrong password' }),
    );
    const unknownEmail = await failure(
      server.client().sessions.login({ email: `nobody${randomUUID()}@example.com`, password: credentials.password }),
    );
    const tooLong = await failure(
      server.client().sessions.login({ email: credentials.email, password: credentials.password + 'x'.repeat(80) }),
    );
    for (const error of [wrongPassword, unknownEmail, tooLong]) {
      expect(error.status).toBe(401);
      expect(error.message).toBe(wrongPassword.message);
    }
  });

  it('answers 422 for missing fields or values of the wrong JSON type', async () => {
    for (const body of [
      {},
      { email: 'a@b.co' },
      { password: goodPassword },
      { email: ['a@b.co'], password: goodPassword },
      { email: 'a@b.co', password: 12345678 },
      { email: '', password: '' },
    ]) {
      const error = await failure(server.client().sessions.login(body as never));
      expect(error.status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe('login timing', () => {
  let timed: TestServer;
  beforeAll(async () => {
    timed = await startTestServer({ bcrypt_rounds: 6 });
  });
  afterAll(async () => {
    await timed.stop();
  });

  // Counted, not timed: a busy machine changes durations, never the work done. The spy calls through.
  it('spends one bcrypt comparison of the configured cost on an unknown email, as on a wrong password', async () => {
    const credentials = newUser();
    await timed.client().users.create(credentials);
    const client = timed.client();
    const compare = vi.spyOn(bcrypt, 'compare');
    try {
      const comparisonsFor = async (email: string) => {
        compare.mockClear();
        await expect(client.sessions.login({ email, password: 'wrong password' })).rejects.toMatchObject({
          status: 401,
        });
        return compare.mock.calls.map(([password, hash]) => ({ password, cost: String(hash).slice(0, 7) }));
      };
      const expected = [{ password: 'wrong password', cost: '$2b$06$' }];
      expect(await comparisonsFor(credentials.email)).toEqual(expected);
      expect(await comparisonsFor(`nobody${randomUUID()}@example.com`)).toEqual(expected);
    } finally {
      compare.mockRestore();
    }
  });
});

describe('GET /sessions', () => {
  it('answers the current user', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    expect(await client.sessions.current()).toEqual(user);
  });

  it('answers 401 without a token', async () => {
    expect((await failure(server.client().sessions.current())).status).toBe(401);
  });
});

describe('refused tokens', () => {
  let token: string;
  let userId: string;
  beforeAll(async () => {
    const client = server.client();
    const session = await signUp(client);
    token = session.token;
    userId = session.user.id;
  });

  const forged: [string, () => string][] = [
    [
      'signed with another key',
      () =>
        jwt.sign({}, 'another-key-that-is-long-enough-0123456789', {
          algorithm: 'HS256',
          subject: userId,
          jwtid: randomUUID(),
          expiresIn: 3600,
        }),
    ],
    [
      'with alg none',
      () =>
        `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: userId, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 3600 })}.`,
    ],
    [
      'expired',
      () =>
        jwt.sign({ exp: Math.floor(Date.now() / 1000) - 60 }, testAppKey, {
          algorithm: 'HS256',
          subject: userId,
          jwtid: randomUUID(),
        }),
    ],
    [
      'tampered with (another subject, same signature)',
      () => {
        const [header, payload, signature] = token.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        return `${header}.${base64url({ ...claims, sub: randomUUID() })}.${signature}`;
      },
    ],
    [
      'signed with the right key but HS512',
      () => jwt.sign({}, testAppKey, { algorithm: 'HS512', subject: userId, jwtid: randomUUID(), expiresIn: 3600 }),
    ],
    ['without a jti', () => jwt.sign({}, testAppKey, { algorithm: 'HS256', subject: userId, expiresIn: 3600 })],
    [
      'without a session (as issued before sessions existed)',
      () => jwt.sign({}, testAppKey, { algorithm: 'HS256', subject: userId, jwtid: randomUUID(), expiresIn: 3600 }),
    ],
    [
      'of a session that does not exist',
      () =>
        jwt.sign({ sid: randomUUID(), gen: 0 }, testAppKey, {
          algorithm: 'HS256',
          subject: userId,
          jwtid: randomUUID(),
          expiresIn: 3600,
        }),
    ],
    ['malformed', () => 'abc.def.ghi'],
  ];
  it.each(forged)('answers 403 to a token %s, on every authenticated route', async (_, make) => {
    const client = clientWithToken(server, make());
    // Each call starts only when awaited, so no rejection waits unhandled.
    for (const call of [
      () => client.sessions.current(),
      () => client.users.list(),
      () => client.users.get(userId),
      () => client.users.update(userId, { username: newUser().username }),
    ]) {
      const error = await failure(call());
      expect(error.status).toBe(403);
    }
    // The genuine token still works.
    expect((await clientWithToken(server, token).sessions.current()).id).toBe(userId);
  });
});

describe('DELETE /sessions', () => {
  it('revokes the token: 403 everywhere afterwards, while another token of the same user still works', async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const otherDevice = server.client();
    await otherDevice.sessions.login({ email: credentials.email, password: credentials.password });

    await client.sessions.logout();
    expect(client.storage.get()).toBeNull();
    const revoked = clientWithToken(server, token);
    for (const call of [
      () => revoked.sessions.current(),
      () => revoked.users.list(),
      () => revoked.users.get(user.id),
      () => revoked.users.update(user.id, { username: newUser().username }),
    ]) {
      expect((await failure(call())).status).toBe(403);
    }
    const again = await fetch(`${server.server.url}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(403);
    // The SDK forgets a token the server already refuses.
    const stale = clientWithToken(server, token);
    await stale.sessions.logout();
    expect(stale.storage.get()).toBeNull();
    expect((await otherDevice.sessions.current()).id).toBe(user.id);
    expect((await otherDevice.users.get(user.id)).id).toBe(user.id);
  });

  it('answers 200 with a message', async () => {
    const { token } = await signUp(server.client());
    const response = await fetch(`${server.server.url}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: expect.any(String) });
  });

  it('answers 401 without a token', async () => {
    const response = await fetch(`${server.server.url}/sessions`, { method: 'DELETE' });
    expect(response.status).toBe(401);
  });

  it('deletes the session record, and keeps a live one only for refresh_token_ttl', async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const { sid } = jwt.decode(token) as { sid: string };
    const other = await server.client().sessions.login({ email: credentials.email, password: credentials.password });
    const otherSid = (jwt.decode(other.token) as { sid: string }).sid;
    const redis = server.server.clients.redis.connection;
    await client.sessions.logout();
    expect(await redis.exists(sessionKey(sid))).toBe(0);
    for (const key of [sessionKey(otherSid), userSessionsKey(user.id)]) {
      const ttlMs = await redis.pttl(key);
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(server.config.refresh_token_ttl * 1000);
    }
  });
});
