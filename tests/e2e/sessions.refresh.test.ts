import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  LocalStorageAdapter,
  type NodeJobsClient,
  type RealtimeConnection,
  type SessionEnd,
  type WebStorageLike,
} from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { makeAdminThroughCli } from '../harness/cli';
import { failure } from '../harness/failure';
import { startTestServer, testAppKey, type TestServer } from '../harness/testServer';
import { goodPassword, signUp } from '../harness/users';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ random_job_interval_ms: 3_600_000 });
});
afterAll(async () => {
  await server.stop();
});

/** What `POST /sessions` or `POST /sessions/refresh` answered, read without the SDK. */
interface SessionAnswer {
  status: number;
  body: { token?: string; refreshToken?: string; expiresIn?: number; code?: string; data?: { id: string } };
}

/** Logs in with `fetch`, as a device with its own user agent. */
async function loginAs(email: string, userAgent: string, password = goodPassword): Promise<SessionAnswer> {
  const response = await fetch(`${server.server.url}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: (await response.json()) as SessionAnswer['body'] };
}

/** Presents a refresh token to `POST /sessions/refresh`. */
async function refreshWith(refreshToken: unknown): Promise<SessionAnswer> {
  const response = await fetch(`${server.server.url}/sessions/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as SessionAnswer['body'] };
}

/** The status `GET /sessions` answers to an access token. */
async function accessStatus(token: string): Promise<number> {
  const response = await fetch(`${server.server.url}/sessions`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

/** A client that sends `token` as its session. */
function withToken(token: string): NodeJobsClient {
  const client = server.client();
  client.storage.set(token);
  return client;
}

/** The session id an access token names. */
const sidOf = (token: string) => (jwt.decode(token) as { sid: string }).sid;

/** A connected socket of `client`, recording its session ends. */
async function openSocket(client: NodeJobsClient): Promise<{ connection: RealtimeConnection; ends: SessionEnd[] }> {
  const connection = client.jobs.connect();
  const ends: SessionEnd[] = [];
  connection.onSessionEnd((end) => ends.push(end));
  await connection.connected();
  return { connection, ends };
}

describe('POST /sessions', () => {
  it('also answers an opaque refresh token and expiresIn (15 minutes by default); the token names its session and generation', async () => {
    const { credentials } = await signUp(server.client());
    const { status, body } = await loginAs(credentials.email, 'Phone/1.0');
    expect(status).toBe(200);
    expect(body.expiresIn).toBe(900);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = jwt.verify(body.token!, testAppKey, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: body.data!.id, sid: expect.any(String), gen: 0 });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('stores only a hash of the refresh token', async () => {
    const { credentials } = await signUp(server.client());
    const { body } = await loginAs(credentials.email, 'Phone/1.0');
    const secret = body.refreshToken!.split('.')[1]!;
    const redis = server.server.clients.redis.connection;
    const prefix = server.config.redis_key_prefix;
    const keys = await redis.keys(`${prefix}*`);
    const stored: string[] = [];
    for (const key of keys.map((key) => key.slice(prefix.length))) {
      const type = await redis.type(key);
      if (type === 'hash') stored.push(...Object.values(await redis.hgetall(key)));
      else if (type === 'set') stored.push(...(await redis.smembers(key)));
      else if (type === 'string') stored.push((await redis.get(key)) ?? '');
    }
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((value) => value.includes(secret))).toEqual([]);
  });
});

describe('POST /sessions/refresh', () => {
  it('answers a new pair that the SDK stores; the new access token works and the old refresh token is spent', async () => {
    const client = server.client();
    const { user, token } = await signUp(client);
    const firstRefresh = client.storage.getRefreshToken()!;
    expect(firstRefresh).toMatch(/\./);
    const refreshed = await client.sessions.refresh();
    expect(refreshed).toMatchObject({ data: user, expiresIn: 900 });
    expect(refreshed.token).not.toBe(token);
    expect(refreshed.refreshToken).not.toBe(firstRefresh);
    expect([client.storage.get(), client.storage.getRefreshToken()]).toEqual([refreshed.token, refreshed.refreshToken]);
    expect(sidOf(refreshed.token)).toBe(sidOf(token));
    expect(await client.sessions.current()).toEqual(user);
    // The new refresh token is good for the next rotation.
    expect((await refreshWith(refreshed.refreshToken)).status).toBe(200);
  });

  it('refuses a spent refresh token with 401 refresh_token_reused and revokes every token of its session (reuse detection)', async () => {
    const client = server.client();
    const { user, credentials, token: originalAccess } = await signUp(client);
    const spent = client.storage.getRefreshToken()!;
    const socket = await openSocket(client);
    const otherSession = await loginAs(credentials.email, 'Laptop/2.0');
    try {
      const rotated = await refreshWith(spent);
      expect(rotated.status).toBe(200);
      const reuse = await refreshWith(spent);
      expect([reuse.status, reuse.body.code]).toEqual([401, 'refresh_token_reused']);

      const afterwards = {
        'original access token': await accessStatus(originalAccess),
        'access token of the rotation': await accessStatus(rotated.body.token!),
        'refresh token of the rotation': (await refreshWith(rotated.body.refreshToken)).status,
        'the spent refresh token, again': (await refreshWith(spent)).status,
        "another session's access token": await accessStatus(otherSession.body.token!),
        "another session's refresh token": (await refreshWith(otherSession.body.refreshToken)).status,
      };
      console.log(`reuse detection for ${user.id}:`, afterwards);
      expect(afterwards).toEqual({
        'original access token': 403,
        'access token of the rotation': 403,
        'refresh token of the rotation': 401,
        'the spent refresh token, again': 401,
        "another session's access token": 200,
        "another session's refresh token": 200,
      });
      await waitUntil(async () => socket.ends.length > 0, 5000, 'the socket of the session to end');
      expect(socket.ends).toEqual([{ reason: 'revoked' }]);
    } finally {
      socket.connection.close();
    }
  });

  it('answers 401 refresh_token_invalid to an unknown, malformed or forged refresh token, and 422 without one', async () => {
    const { credentials } = await signUp(server.client());
    const { body } = await loginAs(credentials.email, 'Phone/1.0');
    const [sid] = body.refreshToken!.split('.');
    for (const presented of [
      `${sid}.${'A'.repeat(43)}`,
      `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`,
      'not-a-refresh-token',
      'x'.repeat(5000),
      body.token,
    ]) {
      const answer = await refreshWith(presented);
      expect([answer.status, answer.body.code], String(presented).slice(0, 60)).toEqual([401, 'refresh_token_invalid']);
    }
    // A forged secret is no reuse: the session's own refresh token still works.
    expect((await refreshWith(body.refreshToken)).status).toBe(200);
    for (const presented of [undefined, 42, ['a.b']]) expect((await refreshWith(presented)).status).toBe(422);
  });

  it('keeps the refresh token in a LocalStorageAdapter; refresh() without one fails and asks nothing', async () => {
    const entries = new Map<string, string>();
    const webStorage: WebStorageLike = {
      getItem: (key) => entries.get(key) ?? null,
      setItem: (key, value) => void entries.set(key, value),
      removeItem: (key) => void entries.delete(key),
    };
    const client = createClient({ baseURL: server.server.url, storage: new LocalStorageAdapter('s', webStorage) });
    const { token } = await signUp(client);
    expect(entries.get('s')).toBe(token);
    const refreshToken = [...entries.values()].find((value) => value !== token);
    expect(refreshToken).toMatch(/\./);
    // A reloaded page refreshes with what the storage kept.
    const reloaded = createClient({ baseURL: server.server.url, storage: new LocalStorageAdapter('s', webStorage) });
    const refreshed = await reloaded.sessions.refresh();
    expect(entries.get('s')).toBe(refreshed.token);
    await reloaded.sessions.logout();
    expect(entries.size).toBe(0);
    await expect(reloaded.sessions.refresh()).rejects.toMatchObject({ code: 'refresh_token_invalid' });
  });

  it('forgets both tokens when the server refuses the refresh token', async () => {
    const client = server.client();
    await signUp(client);
    const spent = client.storage.getRefreshToken()!;
    await refreshWith(spent);
    await expect(client.sessions.refresh()).rejects.toMatchObject({ status: 401, code: 'refresh_token_reused' });
    expect([client.storage.get(), client.storage.getRefreshToken()]).toEqual([null, null]);
  });
});

describe('GET /users/:id/sessions', () => {
  it("lists the user's sessions with their times, user agent and address, the caller's marked current", async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const phone = await loginAs(credentials.email, 'Phone/1.0');
    const sessions = await client.sessions.list(user.id);
    expect(sessions).toHaveLength(2);
    const mine = sessions.find((session) => session.current)!;
    const theirs = sessions.find((session) => !session.current)!;
    expect(mine.id).toBe(sidOf(token));
    expect(theirs).toMatchObject({ id: sidOf(phone.body.token!), userAgent: 'Phone/1.0', current: false });
    expect(mine.userAgent).toMatch(/axios/);
    for (const session of sessions) {
      expect(session.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(new Date(session.createdAt).toISOString()).toBe(session.createdAt);
      expect(Math.abs(Date.parse(session.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(Date.parse(session.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(session.createdAt));
    }
    // Another process's view: the phone lists the same sessions, its own current.
    const fromPhone = await withToken(phone.body.token!).sessions.list(user.id);
    expect(fromPhone.find((session) => session.current)?.id).toBe(theirs.id);
  });

  it('moves lastUsedAt at most once a minute', async () => {
    const client = server.client();
    const { user, token } = await signUp(client);
    const [created] = await client.sessions.list(user.id);
    for (let i = 0; i < 5; i++) await client.sessions.current();
    const [unchanged] = await client.sessions.list(user.id);
    expect(unchanged!.lastUsedAt).toBe(created!.lastUsedAt);
    // Two minutes ago, as far as the record knows: the next request marks it used now.
    const key = `session:${sidOf(token)}`;
    const redis = server.server.clients.redis.connection;
    const storedMs = Number(await redis.hget(key, 'lastUsedAt'));
    expect(storedMs).toBe(Date.parse(created!.lastUsedAt));
    await redis.hset(key, 'lastUsedAt', String(storedMs - 120_000));
    await client.sessions.current();
    const [touched] = await client.sessions.list(user.id);
    expect(Date.parse(touched!.lastUsedAt)).toBeGreaterThanOrEqual(storedMs);
    expect(Math.abs(Date.parse(touched!.lastUsedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('answers 403 to another user, lets an admin list them (none current), and answers 404 for an unknown user', async () => {
    const { user } = await signUp(server.client());
    const stranger = server.client();
    await signUp(stranger);
    expect((await failure(stranger.sessions.list(user.id))).status).toBe(403);
    const admin = server.client();
    const { credentials } = await signUp(admin);
    await makeAdminThroughCli(server, credentials.email);
    const listed = await admin.sessions.list(user.id);
    expect(listed.map((session) => session.current)).toEqual([false]);
    expect((await failure(admin.sessions.list('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });
});

describe('DELETE /users/:id/sessions/:sessionId', () => {
  it('ends that session — its access and refresh tokens refused, its socket ended — and no other', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const phoneClient = server.client();
    await phoneClient.sessions.login({ email: credentials.email, password: goodPassword });
    const phoneToken = phoneClient.storage.get()!;
    const phoneRefresh = phoneClient.storage.getRefreshToken()!;
    const socket = await openSocket(phoneClient);
    try {
      await client.sessions.end(user.id, sidOf(phoneToken));
      expect(await accessStatus(phoneToken)).toBe(403);
      expect((await refreshWith(phoneRefresh)).status).toBe(401);
      await waitUntil(async () => socket.ends.length > 0, 5000, 'the socket of the ended session to end');
      expect(socket.ends).toEqual([{ reason: 'revoked' }]);
      expect(await client.sessions.current()).toMatchObject({ id: user.id });
      expect((await client.sessions.list(user.id)).map((session) => session.current)).toEqual([true]);
    } finally {
      socket.connection.close();
    }
  });

  it('answers 204, and 404 for an unknown session or one of another user', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const other = server.client();
    const { user: otherUser, token: otherToken } = await signUp(other);
    const phone = await loginAs(credentials.email, 'Phone/1.0');
    const end = (userId: string, sid: string) =>
      fetch(`${server.server.url}/users/${userId}/sessions/${sid}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${client.storage.get()}` },
      });
    const ended = await end(user.id, sidOf(phone.body.token!));
    expect([ended.status, await ended.text()]).toEqual([204, '']);
    expect((await end(user.id, sidOf(phone.body.token!))).status).toBe(404);
    expect((await end(user.id, 'no-such-session')).status).toBe(404);
    // Another user's session, named under this user's id.
    expect((await end(user.id, sidOf(otherToken))).status).toBe(404);
    expect((await end(otherUser.id, sidOf(otherToken))).status).toBe(403);
    expect(await other.sessions.current()).toMatchObject({ id: otherUser.id });
  });

  it("clears the SDK's tokens when it ends its own session", async () => {
    const client = server.client();
    const { user, token } = await signUp(client);
    await client.sessions.end(user.id, sidOf(token));
    expect([client.storage.get(), client.storage.getRefreshToken()]).toEqual([null, null]);
    expect(await accessStatus(token)).toBe(403);
  });
});

describe('refresh tokens and the other revocations', () => {
  it('logout local refuses its own refresh token; others refuses the other sessions’ and keeps its own; all refuses every one', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    const phone = await loginAs(credentials.email, 'Phone/1.0');
    const laptop = await loginAs(credentials.email, 'Laptop/1.0');

    const phoneClient = withToken(phone.body.token!);
    await phoneClient.sessions.logout({ scope: 'local' });
    expect((await refreshWith(phone.body.refreshToken)).status).toBe(401);
    expect((await refreshWith(laptop.body.refreshToken)).status).toBe(200);

    const tablet = await loginAs(credentials.email, 'Tablet/1.0');
    const ownRefresh = client.storage.getRefreshToken()!;
    await client.sessions.logout({ scope: 'others' });
    expect((await refreshWith(tablet.body.refreshToken)).status).toBe(401);
    const own = await refreshWith(ownRefresh);
    expect(own.status).toBe(200);

    const watch = await loginAs(credentials.email, 'Watch/1.0');
    await withToken(own.body.token!).sessions.logout({ scope: 'all' });
    expect((await refreshWith(own.body.refreshToken)).status).toBe(401);
    expect((await refreshWith(watch.body.refreshToken)).status).toBe(401);
  });

  it('a password change refuses every earlier refresh token and answers a fresh pair that works', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const phone = await loginAs(credentials.email, 'Phone/1.0');
    const ownRefresh = client.storage.getRefreshToken()!;
    const answer = await client.users.changePassword(user.id, {
      currentPassword: goodPassword,
      newPassword: 'a brand new passphrase',
    });
    expect(answer).toMatchObject({ data: user, expiresIn: 900, refreshToken: expect.stringMatching(/\./) });
    expect(client.storage.getRefreshToken()).toBe(answer.refreshToken);
    expect((await refreshWith(phone.body.refreshToken)).status).toBe(401);
    expect((await refreshWith(ownRefresh)).status).toBe(401);
    const fresh = await client.sessions.refresh();
    expect(await withToken(fresh.token).sessions.current()).toMatchObject({ id: user.id });
    expect((await client.sessions.list(user.id)).map((session) => session.current)).toEqual([true]);
  });

  it("a deletion refuses the user's refresh tokens", async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const phone = await loginAs(credentials.email, 'Phone/1.0');
    await client.users.remove(user.id);
    expect((await refreshWith(phone.body.refreshToken)).status).toBe(401);
    expect(await server.server.clients.redis.connection.exists(`userSessions:${user.id}`)).toBe(0);
  });
});
