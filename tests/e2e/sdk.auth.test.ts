import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AuthEvent, type PublicUser } from '../../client';
import { readTokenPayload } from '../../client/token';
import { failure } from '../harness/failure';
import { startSecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

/** Polls `check` until it holds, failing after `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The auth events a client reports, in order. */
function recordAuth(client: ReturnType<TestServer['client']>) {
  const events: { event: AuthEvent; user: PublicUser | null }[] = [];
  client.onAuthStateChange((user, event) => events.push({ event, user }));
  return events;
}

const libfaketime = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

let server: TestServer;
beforeAll(async () => {
  // Tokens of 4 s: the SDK renews them a second before they expire (a quarter of their life).
  server = await startTestServer({ token_ttl: '4s' });
});
afterAll(async () => {
  await server.stop();
});

describe('the SDK keeps the session alive by itself', () => {
  it('renews the access token before it expires, once for many callers, and the calls go on working', async () => {
    const client = server.client();
    const events = recordAuth(client);
    const { token: first } = await signUp(client);
    const expiry = readTokenPayload(first).exp! * 1000;
    await eventually(() => client.storage.get() !== first);
    expect(Date.now()).toBeLessThan(expiry);
    // Well past the first token's expiry, ten calls at once: all authenticated.
    await eventually(() => Date.now() > expiry + 500);
    const users = await Promise.all(Array.from({ length: 10 }, () => client.sessions.current()));
    expect(new Set(users.map((user) => user.id)).size).toBe(1);
    expect(events[0]!.event).toBe('signedIn');
    const refreshes = events.filter(({ event }) => event === 'tokenRefreshed');
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    // One refresh per token life (4 s), not one per call.
    expect(refreshes.length).toBeLessThanOrEqual(3);
    expect(refreshes.every(({ user }) => user?.id === users[0]!.id)).toBe(true);
  });

  it('shares one refresh between concurrent callers of sessions.refresh()', async () => {
    const client = server.client({ autoRefresh: false });
    const events = recordAuth(client);
    await signUp(client);
    const sessions = await Promise.all([
      client.sessions.refresh(),
      client.sessions.refresh(),
      client.sessions.refresh(),
    ]);
    expect(new Set(sessions.map((session) => session.refreshToken)).size).toBe(1);
    expect(events.filter(({ event }) => event === 'tokenRefreshed')).toHaveLength(1);
    // The pair stored is the one answered, and it works.
    expect(client.storage.getRefreshToken()).toBe(sessions[0].refreshToken);
    await client.sessions.current();
  });

  it("renews and sends again a request the server refused as token_expired (the server's clock an hour ahead)", async () => {
    // A `serve` process under libfaketime: its tokens expire, by this machine's clock, an hour late,
    // so the SDK sends one the server calls expired.
    const ahead = await startSecondServer(server, 'none', {
      env: { LD_PRELOAD: libfaketime, FAKETIME: '+1h', TOKEN_TTL: '2s', RATE_LIMIT_REGISTER: '0' },
    });
    try {
      const client = createClient({ baseURL: ahead.url });
      const { token, user } = await signUp(client);
      // Expired by the server's clock, an hour ahead of this one.
      const expiredThere = readTokenPayload(token).exp! * 1000 - 3_600_000;
      await eventually(() => Date.now() > expiredThere + 300);
      expect(client.storage.get()).toBe(token);
      expect((await client.sessions.current()).id).toBe(user.id);
      expect(client.storage.get()).not.toBe(token);
    } finally {
      await ahead.stop();
    }
  });

  it('without autoRefresh, an expired token is refused as token_expired', async () => {
    const client = server.client({ autoRefresh: false });
    const { token } = await signUp(client);
    const expiry = readTokenPayload(token).exp! * 1000;
    await eventually(() => Date.now() > expiry + 200);
    expect((await failure(client.sessions.current())).code).toBe('token_expired');
  });

  it('keeps a real-time connection authenticated across renewals, without an error', async () => {
    const client = server.client();
    const { token } = await signUp(client);
    const live = client.jobs.connect();
    const errors: unknown[] = [];
    const ends: unknown[] = [];
    live.onError((error) => errors.push(error));
    live.onSessionEnd((end) => ends.push(end));
    await live.connected();
    const expiry = readTokenPayload(token).exp! * 1000;
    await eventually(() => Date.now() > expiry + 1500);
    await eventually(() => live.socket.connected);
    // The server ends a socket whose token expires: this one reconnected with the renewed token first.
    const sockets = await server.server.io.fetchSockets();
    const mine = sockets.find((socket) => socket.id === live.socket.id);
    expect(mine?.data.userId).toBeDefined();
    expect(errors).toEqual([]);
    expect(ends).toEqual([]);
    live.close();
  });
});

describe('onAuthStateChange', () => {
  it('reports signedIn, userUpdated (an update, an admin change pushed over the socket), signedOut', async () => {
    const client = server.client();
    const events = recordAuth(client);
    const { user, credentials } = await signUp(client);
    const live = client.jobs.connect();
    await live.connected();
    await client.users.update(user.id, { username: `${credentials.username}x` });
    await server.server.services.users.setAdmin(credentials.email, true);
    await eventually(() => events.some(({ event, user }) => event === 'userUpdated' && user?.admin === true));
    await client.sessions.logout();
    live.close();
    const sequence = events.map(({ event }) => event).filter((event) => event !== 'tokenRefreshed');
    expect(sequence).toEqual(['signedIn', 'userUpdated', 'userUpdated', 'signedOut']);
    expect(events[1]!.user?.username).toBe(`${credentials.username}x`);
    expect(events.at(-1)!.user).toBeNull();
  });

  it('reports sessionEnded when the session is ended elsewhere, and forgets the tokens', async () => {
    const client = server.client();
    const events = recordAuth(client);
    const { credentials } = await signUp(client);
    const live = client.jobs.connect();
    await live.connected();
    const elsewhere = server.client();
    await elsewhere.sessions.login({ email: credentials.email, password: credentials.password });
    await elsewhere.sessions.logout({ scope: 'all' });
    await eventually(() => events.some(({ event }) => event === 'sessionEnded'));
    expect(client.storage.get()).toBeNull();
    expect(events.filter(({ event }) => event === 'sessionEnded')).toHaveLength(1);
    live.close();
  });

  it('reports sessionEnded when a refresh is refused, and forgets the tokens', async () => {
    const client = server.client({ autoRefresh: false });
    const events = recordAuth(client);
    await signUp(client);
    const spent = client.storage.getRefreshToken()!;
    await client.sessions.refresh();
    // Presenting the spent refresh token again ends the session (reuse detection).
    client.storage.set(client.storage.get()!, spent);
    expect((await failure(client.sessions.refresh())).code).toBe('refresh_token_reused');
    expect(client.storage.get()).toBeNull();
    expect(events.at(-1)).toEqual({ event: 'sessionEnded', user: null });
  });
});
