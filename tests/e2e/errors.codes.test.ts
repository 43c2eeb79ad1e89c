import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** The status and code an SDK call fails with. */
async function answer(call: Promise<unknown>): Promise<[number, string]> {
  const error = await failure(call);
  return [error.status, error.code];
}

describe('error codes a program can act on', () => {
  it('tells a wrong login (invalid_credentials) from a request without a token (unauthenticated)', async () => {
    const { credentials } = await signUp(server.client());
    expect(
      await answer(server.client().sessions.login({ email: credentials.email, password: 'wrong password' })),
    ).toEqual([401, 'invalid_credentials']);
    expect(
      await answer(server.client().sessions.login({ email: 'nobody@example.com', password: goodPassword })),
    ).toEqual([401, 'invalid_credentials']);
    expect(await answer(server.client().users.list())).toEqual([401, 'unauthenticated']);
  });

  it('names a taken email and a taken username, and any other invalid value validation_failed', async () => {
    const { credentials } = await signUp(server.client());
    expect(await answer(server.client().users.create(newUser({ email: credentials.email.toUpperCase() })))).toEqual([
      422,
      'email_taken',
    ]);
    expect(await answer(server.client().users.create(newUser({ username: credentials.username })))).toEqual([
      422,
      'username_taken',
    ]);
    expect(await answer(server.client().users.create(newUser({ email: 'not an email' })))).toEqual([
      422,
      'validation_failed',
    ]);
  });

  it('tells an expired token, a revoked one and one that is not ours apart', async () => {
    const alice = server.client();
    const { user, token } = await signUp(alice);
    const expired = jwt.sign({ iat_ms: Date.now() - 7200_000 }, testAppKey, {
      algorithm: 'HS256',
      subject: user.id,
      jwtid: randomUUID(),
      expiresIn: -3600,
    });
    expect(await answer(clientWithToken(server, expired).sessions.current())).toEqual([403, 'token_expired']);
    expect(await answer(clientWithToken(server, `${token}x`).sessions.current())).toEqual([403, 'token_invalid']);
    await alice.sessions.logout();
    expect(await answer(clientWithToken(server, token).sessions.current())).toEqual([403, 'token_revoked']);
  });

  it('answers forbidden for another user, not_found for an unknown one, and invalid_credentials for a wrong current password', async () => {
    const alice = server.client();
    const bob = server.client();
    const { user: aliceUser } = await signUp(alice);
    const { user: bobUser } = await signUp(bob);
    expect(await answer(alice.users.update(bobUser.id, { username: `x${randomUUID().slice(0, 8)}` }))).toEqual([
      403,
      'forbidden',
    ]);
    expect(await answer(alice.users.get(randomUUID()))).toEqual([404, 'not_found']);
    expect(
      await answer(
        alice.users.changePassword(aliceUser.id, { currentPassword: 'wrong password', newPassword: goodPassword }),
      ),
    ).toEqual([403, 'invalid_credentials']);
  });
});

describe('a 422 lists every invalid field', () => {
  it('names each bad field of a registration in errors, in ApiError.fields', async () => {
    const error = await failure(
      server.client().users.create({ email: 'not an email', username: '', password: 'x', extra: 1 } as never),
    );
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    const fields = error.fields.map((field) => field.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'username', 'extra']));
    for (const field of error.fields) expect(field.message.length).toBeGreaterThan(0);
    expect(typeof error.body === 'object' && error.body.errors).toEqual(error.fields);
  });

  it('names the parameter of a bad query and the taken value of a registration', async () => {
    const search = await failure(server.client().jobs.search({ full_time: 'maybe' as never }));
    expect(search.status).toBe(422);
    expect(search.fields.map((field) => field.field)).toEqual(['full_time']);

    const { credentials } = await signUp(server.client());
    const taken = await failure(server.client().users.create(newUser({ email: credentials.email })));
    expect(taken.fields).toEqual([{ field: 'email', message: 'is already taken.' }]);
  });

  it('has an empty list on errors that name no field', async () => {
    const error = await failure(server.client().users.list());
    expect(error.status).toBe(401);
    expect(error.fields).toEqual([]);
  });
});
