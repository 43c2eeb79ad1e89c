import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, signUp } from '../harness/users';

// Two processes sharing DynamoDB and Redis, with bcrypt at its production cost: a login spends
// long enough between reading the user and signing its token for a password change to land in between.
let serverA: TestServer;
let serverB: SecondServer;
beforeAll(async () => {
  serverA = await startTestServer({ bcrypt_rounds: 10 });
  serverB = await startSecondServer(serverA, 'none', { env: { BCRYPT_ROUNDS: '10', RATE_LIMIT_LOGIN: '0' } });
});
afterAll(async () => {
  await serverB?.stop();
  await serverA?.stop();
});

/** What a login answered, and when the answer came. */
interface Login {
  status: number;
  token?: string;
  refreshToken?: string;
  answeredAt: number;
}

async function login(baseURL: string, email: string, password: string): Promise<Login> {
  const response = await fetch(`${baseURL}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { token?: string; refreshToken?: string };
  return { status: response.status, ...body, answeredAt: Date.now() };
}

/** Whether an access token is accepted by a server. */
async function accepted(baseURL: string, token: string): Promise<boolean> {
  const response = await fetch(`${baseURL}/sessions`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status === 200;
}

/** Whether a refresh token still gives a new pair (spending it). */
async function refreshable(baseURL: string, refreshToken: string | undefined): Promise<boolean> {
  if (refreshToken === undefined) return false;
  const response = await fetch(`${baseURL}/sessions/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  await response.body?.cancel();
  return response.status === 200;
}

describe('a login racing a password change', () => {
  it(
    'never yields a token that works after the change answered: 30 logins with the old password on another process',
    { timeout: 180_000 },
    async () => {
      const client = serverA.client();
      const { user, credentials } = await signUp(client);
      const logins = Array.from({ length: 30 }, () => login(serverB.url, credentials.email, goodPassword));
      const change = client.users.changePassword(user.id, {
        currentPassword: goodPassword,
        newPassword: 'a brand new passphrase',
      });
      await change;
      const changedAt = Date.now();
      const answers = await Promise.all(logins);
      const issued = answers.filter((answer) => answer.status === 200);
      let working = 0;
      let refreshing = 0;
      for (const answer of issued) {
        if ((await accepted(serverA.server.url, answer.token!)) || (await accepted(serverB.url, answer.token!)))
          working++;
        if (await refreshable(serverB.url, answer.refreshToken)) refreshing++;
      }
      const figures = {
        logins: answers.length,
        'tokens issued (old password accepted)': issued.length,
        'of them answered after the change': issued.filter((answer) => answer.answeredAt > changedAt).length,
        'refused (401)': answers.filter((answer) => answer.status === 401).length,
        'access tokens working after the change answered': working,
        'refresh tokens working after the change answered': refreshing,
      };
      console.log('login vs password change race:', figures);
      expect(answers.every((answer) => answer.status === 200 || answer.status === 401)).toBe(true);
      expect(working).toBe(0);
      expect(refreshing).toBe(0);
      // The fresh session of the change, and the new password, work.
      expect(await client.sessions.current()).toMatchObject({ id: user.id });
      expect((await login(serverB.url, credentials.email, 'a brand new passphrase')).status).toBe(200);
    },
  );
});

describe('two password changes with one token', () => {
  it(
    'let exactly one answer 200 and the other 409, and the fresh token of the winner works, in 5 rounds',
    { timeout: 180_000 },
    async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 5; round++) {
        const client = serverA.client();
        const { user, token } = await signUp(client);
        const change = (newPassword: string) =>
          fetch(`${round % 2 === 0 ? serverA.server.url : serverB.url}/users/${user.id}/password`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ currentPassword: goodPassword, newPassword }),
          });
        const responses = await Promise.all([change('first new passphrase'), change('second new passphrase')]);
        const statuses = responses.map((response) => response.status).sort();
        const winner = responses.find((response) => response.status === 200);
        const body = winner ? ((await winner.json()) as { token: string; refreshToken: string }) : undefined;
        for (const response of responses) if (response !== winner) await response.body?.cancel();
        const fresh = body
          ? [
              await accepted(serverA.server.url, body.token),
              await accepted(serverB.url, body.token),
              await refreshable(serverA.server.url, body.refreshToken),
            ]
          : [];
        outcomes.push(
          `${statuses.join('/')} fresh token ${fresh.join(',')}; old token ${await accepted(serverA.server.url, token)}`,
        );
      }
      console.log('two password changes with one token:', outcomes);
      expect(outcomes).toEqual(Array(5).fill('200/409 fresh token true,true,true; old token false'));
    },
  );
});
