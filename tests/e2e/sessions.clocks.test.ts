import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type NodeJobsClient } from '../../client';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, testAppKey, type TestServer } from '../harness/testServer';
import { goodPassword, newUser } from '../harness/users';

const libfaketime = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

// Two `serve` processes whose clocks differ by 10 minutes (libfaketime: one 5 minutes ahead, one
// 5 minutes behind), sharing DynamoDB and Redis. The in-process server only owns the test's data.
let owner: TestServer;
let ahead: SecondServer;
let behind: SecondServer;
beforeAll(async () => {
  owner = await startTestServer();
  const underFaketime = (offset: string) => ({
    LD_PRELOAD: libfaketime,
    FAKETIME: offset,
    RATE_LIMIT_LOGIN: '0',
    RATE_LIMIT_REGISTER: '0',
  });
  [ahead, behind] = await Promise.all([
    startSecondServer(owner, 'none', { env: underFaketime('+5m') }),
    startSecondServer(owner, 'none', { env: underFaketime('-5m') }),
  ]);
});
afterAll(async () => {
  await Promise.all([ahead?.stop(), behind?.stop()]);
  await owner?.stop();
});

/** A client of one of the processes. */
const on = (server: SecondServer) => createClient({ baseURL: server.url });

/** The status each process answers to `GET /sessions` with `token`: [ahead, behind]. */
async function statuses(token: string): Promise<number[]> {
  return Promise.all(
    [ahead, behind].map(async (server) => {
      const response = await fetch(`${server.url}/sessions`, { headers: { authorization: `Bearer ${token}` } });
      await response.body?.cancel();
      return response.status;
    }),
  );
}

/** The status each process answers to a refresh with `refreshToken` (spending it), [ahead, behind]: only the first can succeed. */
async function refreshStatus(server: SecondServer, refreshToken: string): Promise<number> {
  const response = await fetch(`${server.url}/sessions/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  await response.body?.cancel();
  return response.status;
}

/** A user registered on one process, logged in on both: a client per process. */
async function userOnBoth(): Promise<{ id: string; email: string; clients: [NodeJobsClient, NodeJobsClient] }> {
  const credentials = newUser();
  const user = await on(ahead).users.create(credentials);
  const clients: [NodeJobsClient, NodeJobsClient] = [on(ahead), on(behind)];
  for (const client of clients) await client.sessions.login({ email: credentials.email, password: goodPassword });
  return { id: user.id, email: credentials.email, clients };
}

it('runs the two processes 10 minutes apart', async () => {
  const dates = await Promise.all(
    [ahead, behind].map(async (server) => Date.parse((await fetch(`${server.url}/healthz`)).headers.get('date')!)),
  );
  expect(existsSync(libfaketime)).toBe(true);
  expect(dates[0]! - dates[1]!).toBeGreaterThanOrEqual(9 * 60_000);
  expect(dates[0]! - dates[1]!).toBeLessThanOrEqual(11 * 60_000);
});

describe('processes whose clocks differ by 10 minutes', () => {
  it("accept each other's fresh tokens", async () => {
    const { clients } = await userOnBoth();
    for (const client of clients) expect(await statuses(client.storage.get()!)).toEqual([200, 200]);
  });

  const directions: [string, 0 | 1][] = [
    ['the process ahead', 0],
    ['the process behind', 1],
  ];

  it.each(directions)('refuse everywhere every token after a logout-all on %s', async (_, doer) => {
    const { clients } = await userOnBoth();
    const tokens = clients.map((client) => client.storage.get()!);
    const refreshTokens = clients.map((client) => client.storage.getRefreshToken()!);
    await clients[doer].sessions.logout({ scope: 'all' });
    for (const token of tokens) expect(await statuses(token)).toEqual([403, 403]);
    for (const refreshToken of refreshTokens) expect(await refreshStatus(behind, refreshToken)).toBe(401);
  });

  it.each(directions)(
    'refuse everywhere the token logged out (local) on %s, and the others (others)',
    async (_, doer) => {
      const { clients } = await userOnBoth();
      const other = 1 - doer;
      const [doerToken, otherToken] = [clients[doer].storage.get()!, clients[other]!.storage.get()!];
      await clients[doer].sessions.logout({ scope: 'others' });
      expect(await statuses(otherToken)).toEqual([403, 403]);
      expect(await statuses(doerToken)).toEqual([200, 200]);
      await clients[doer].sessions.logout({ scope: 'local' });
      expect(await statuses(doerToken)).toEqual([403, 403]);
    },
  );

  it.each(directions)(
    'refuse everywhere every earlier token after a password change on %s, and accept the fresh one',
    async (_, doer) => {
      const { id, clients } = await userOnBoth();
      const tokens = clients.map((client) => client.storage.get()!);
      const refreshTokens = clients.map((client) => client.storage.getRefreshToken()!);
      const fresh = await clients[doer].users.changePassword(id, {
        currentPassword: goodPassword,
        newPassword: 'a brand new passphrase',
      });
      for (const token of tokens) expect(await statuses(token)).toEqual([403, 403]);
      for (const refreshToken of refreshTokens) expect(await refreshStatus(ahead, refreshToken)).toBe(401);
      expect(await statuses(fresh.token)).toEqual([200, 200]);
    },
  );

  it.each(directions)("refuse everywhere the user's tokens after a deletion on %s", async (_, doer) => {
    const { id, clients } = await userOnBoth();
    const tokens = clients.map((client) => client.storage.get()!);
    await clients[doer].users.remove(id);
    for (const token of tokens) expect(await statuses(token)).toEqual([403, 403]);
  });

  it.each(directions)('refuse everywhere the tokens of a session ended on %s', async (_, doer) => {
    const { id, clients } = await userOnBoth();
    const other = 1 - doer;
    const otherToken = clients[other]!.storage.get()!;
    const otherRefresh = clients[other]!.storage.getRefreshToken()!;
    const sid = (jwt.decode(otherToken) as { sid: string }).sid;
    await clients[doer].sessions.end(id, sid);
    expect(await statuses(otherToken)).toEqual([403, 403]);
    expect(await refreshStatus(ahead, otherRefresh)).toBe(401);
    expect(await statuses(clients[doer].storage.get()!)).toEqual([200, 200]);
  });

  it('refuse after a logout-all a token issued under a 30-day lifetime', async () => {
    const { id, clients } = await userOnBoth();
    const { sid, gen } = jwt.decode(clients[0].storage.get()!) as { sid: string; gen: number };
    const longLived = jwt.sign({ sid, gen }, testAppKey, {
      algorithm: 'HS256',
      subject: id,
      jwtid: randomUUID(),
      expiresIn: 30 * 86_400,
    });
    expect(await statuses(longLived)).toEqual([200, 200]);
    await clients[1].sessions.logout({ scope: 'all' });
    expect(await statuses(longLived)).toEqual([403, 403]);
  });

  it('refuse a token whose iat lies an hour ahead (token_invalid), and accept one 2 minutes ahead', async () => {
    const { id, clients } = await userOnBoth();
    const { sid, gen } = jwt.decode(clients[0].storage.get()!) as { sid: string; gen: number };
    const issuedAt = (offsetS: number) =>
      jwt.sign({ sid, gen, iat: Math.floor(Date.now() / 1000) + offsetS }, testAppKey, {
        algorithm: 'HS256',
        subject: id,
        jwtid: randomUUID(),
        expiresIn: 15 * 60,
      });
    const future = issuedAt(3600);
    expect(await statuses(future)).toEqual([403, 403]);
    const response = await fetch(`${behind.url}/sessions`, { headers: { authorization: `Bearer ${future}` } });
    expect(((await response.json()) as { code: string }).code).toBe('token_invalid');
    expect(await statuses(issuedAt(120))).toEqual([200, 200]);
  });
});
