import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeJobsClient, PublicUser, UserProfile } from '../../client';
import { failure } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser, signUp } from '../harness/users';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** Sends a raw request (for bodies and headers the SDK would never send). */
async function raw(
  method: string,
  path: string,
  init: { body?: string; type?: string; token?: string; authorization?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.authorization) headers.authorization = init.authorization;
  const response = await fetch(server.server.url + path, { method, headers, body: init.body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const expectPublicUser = (user: PublicUser) =>
  expect(Object.keys(user).sort()).toEqual(['admin', 'email', 'emailVerified', 'id', 'image', 'username']);

describe('POST /users', () => {
  it('registers a user with a uuid v4 id and answers 201 with the public user', async () => {
    const input = newUser();
    const user = await server.client().users.create(input);
    expectPublicUser(user);
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(user).toMatchObject({ email: input.email, username: input.username, admin: false });
    expect(user.image).toContain(user.id);
  });

  it('stores a bcrypt hash of the configured cost, never the password', async () => {
    const input = newUser();
    const { id } = await server.client().users.create(input);
    const stored = await server.server.services.users.getById(id);
    expect(stored?.password).toMatch(/^\$2[ab]\$04\$/);
    expect(stored?.password).not.toContain(input.password);
  });

  it('accepts an urlencoded body', async () => {
    const input = newUser();
    const { status, body } = await raw('POST', '/users', {
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ ...input }).toString(),
    });
    expect(status).toBe(201);
    expect(body.data).toMatchObject({ email: input.email, username: input.username });
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a missing email', { email: undefined }, /email: is required/],
    ['an invalid email', { email: 'not-an-email' }, /email: must be a valid email/],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` },
      /email: must be at most 254/,
    ],
    ['a username under 5 characters', { username: 'abcd' }, /username: must be 5 to 25/],
    ['a username over 25 characters', { username: 'a'.repeat(26) }, /username: must be 5 to 25/],
    [
      'a username with other characters than letters and digits',
      { username: 'john_doe' },
      /username: must contain only letters and digits/,
    ],
    ['a password under 8 bytes', { password: '1234567' }, /password: must be at least 8 bytes/],
    ['a password over 72 bytes', { password: 'é'.repeat(37) }, /password: must be at most 72 bytes/],
    ['an email of the wrong JSON type', { email: 42 }, /email: must be a text value/],
    ['a username of the wrong JSON type', { username: ['abcdef'] }, /username: must be a text value/],
    ['a password of the wrong JSON type', { password: { length: 10 } }, /password: must be a text value/],
    ['an unknown field', { admin: true }, /Unknown field: admin/],
  ];
  it.each(invalid)('answers 422 for %s', async (_, change, message) => {
    const body = { ...newUser(), ...change };
    const error = await failure(server.client().users.create(body));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(message);
  });

  it('answers 413 for a JSON or urlencoded body over 100 kB, and creates nobody', async () => {
    const user = newUser();
    const big = 'x'.repeat(101 * 1024);
    const json = await raw('POST', '/users', {
      type: 'application/json',
      body: JSON.stringify({ ...user, padding: big }),
    });
    expect(json).toEqual({
      status: 413,
      body: { hasError: 1, error: expect.stringMatching(/too large/), code: 'payload_too_large' },
    });
    const form = await raw('POST', '/users', {
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ ...user, padding: big }).toString(),
    });
    expect(form.status).toBe(413);
    expect((await server.client().users.create(user)).email).toBe(user.email);
  });

  it('accepts a 72-byte password and an email of exactly 254 characters', async () => {
    const email = `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.com`;
    expect(email.length).toBe(254);
    const user = await server.client().users.create(newUser({ email, password: 'é'.repeat(36) }));
    expect(user.email).toBe(email);
  });

  it('answers 422 for a taken email, ignoring case, and for a taken username, ignoring case', async () => {
    const first = newUser();
    await server.client().users.create(first);
    const sameEmail = await failure(server.client().users.create(newUser({ email: first.email.toUpperCase() })));
    expect(sameEmail.status).toBe(422);
    expect(sameEmail.message).toMatch(/email: is already taken/);
    const sameUsername = await failure(
      server.client().users.create(newUser({ username: first.username.toUpperCase() })),
    );
    expect(sameUsername.status).toBe(422);
    expect(sameUsername.message).toMatch(/username: is already taken/);
  });
});

describe('authentication of /users', () => {
  it('answers 401 without a token on every route but registration', async () => {
    const anonymous = server.client();
    const someId = randomUUID();
    // Each call starts only when awaited, so no rejection waits unhandled.
    for (const call of [
      () => anonymous.users.list(),
      () => anonymous.users.get(someId),
      () => anonymous.users.update(someId, { username: 'nobody1' }),
    ]) {
      expect((await failure(call())).status).toBe(401);
    }
  });

  it('answers 401 for an Authorization header that is not "Bearer <token>"', async () => {
    const client = server.client();
    const { token } = await signUp(client);
    for (const authorization of [
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      token,
      'Bearer',
      `Bearer ${token} extra`,
    ]) {
      expect((await raw('GET', '/users', { authorization })).status, authorization).toBe(401);
    }
  });

  it('answers 403 for a malformed token', async () => {
    expect((await raw('GET', '/users', { token: 'not.a.token' })).status).toBe(403);
  });
});

describe('GET /users', () => {
  let client: NodeJobsClient;
  const registered: PublicUser[] = [];
  beforeAll(async () => {
    client = server.client();
    registered.push((await signUp(client)).user);
    for (let i = 0; i < 6; i++) registered.push(await server.client().users.create(newUser()));
  });

  it('pages through every user with the cursor, each once, the last page with next null', async () => {
    const seen: (PublicUser | UserProfile)[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.users.list({ limit: 2, cursor });
      expect(page.data.length).toBeLessThanOrEqual(2);
      // The caller sees itself whole, the others as profiles.
      for (const user of page.data)
        if (user.id === registered[0]!.id) expectPublicUser(user as PublicUser);
        else expect(Object.keys(user).sort()).toEqual(['id', 'image', 'username']);
      seen.push(...page.data);
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor && pages < 1000);
    const ids = seen.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const user of registered) expect(ids).toContain(user.id);
    const all = await client.users.list({ limit: 100 });
    expect(all.data.map((user) => user.id).sort()).toEqual([...ids].sort());
  });

  it('answers a full page with next null when nothing follows', async () => {
    const all = await client.users.list({ limit: 100 });
    const exact = await client.users.list({ limit: all.data.length });
    expect(exact.data.length).toBe(all.data.length);
    expect(exact.next).toBeNull();
  });

  it('answers 422 for a limit out of 1..100, not a number, or repeated', async () => {
    for (const limit of [0, 101, -1, 1.5])
      expect((await failure(client.users.list({ limit }))).status, String(limit)).toBe(422);
    const { token } = await signUp(server.client());
    for (const query of ['limit=abc', 'limit=1&limit=2', 'cursor=garbage', 'page=2']) {
      expect((await raw('GET', `/users?${query}`, { token })).status, query).toBe(422);
    }
  });
});

describe('GET /users/:id', () => {
  it('answers the user, and 404 for an unknown id or an id of another form', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    expect(await client.users.get(user.id)).toEqual(user);
    for (const id of [randomUUID(), 'nope', 'x'.repeat(100)])
      expect((await failure(client.users.get(id))).status).toBe(404);
  });
});

describe('the :id of /users/:id', () => {
  const tooLong = 'x'.repeat(3000);
  const idError = {
    hasError: 1,
    error: 'id: must be at most 100 characters.',
    code: 'validation_failed',
    errors: [{ field: 'id', message: 'must be at most 100 characters.' }],
  };

  it('refuses an id over 100 characters with 422 on GET and DELETE, and deletes nobody', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    for (const call of [() => client.users.get(tooLong), () => client.users.remove(tooLong)]) {
      const error = await failure(call());
      expect(error.status).toBe(422);
      expect(error.body).toEqual(idError);
    }
    expect(await client.users.get(user.id)).toEqual(user);
  });

  it('refuses it with 422 on every other route that takes an :id, before the permission check', async () => {
    const { token } = await signUp(server.client());
    const json = 'application/json';
    for (const [method, path, body] of [
      ['PUT', `/users/${tooLong}`, JSON.stringify({ username: newUser().username })],
      [
        'PUT',
        `/users/${tooLong}/password`,
        JSON.stringify({ currentPassword: goodPassword, newPassword: goodPassword }),
      ],
      ['PUT', `/users/${tooLong}/image/signed-url?fileType=image/png&fileSize=1`],
      ['GET', `/users/${tooLong}/image/signed-url?fileType=image/png&fileSize=1`],
    ] as const) {
      const answer = await raw(method, path, { token, body, type: body && json });
      expect(answer, `${method} ${path.replace(tooLong, '…')}`).toEqual({ status: 422, body: idError });
    }
  });

  it('answers 401 without a token before it looks at the id', async () => {
    for (const method of ['GET', 'DELETE']) expect((await raw(method, `/users/${tooLong}`)).status).toBe(401);
  });
});

describe('PUT /users/:id', () => {
  it('lets users change their own email and username', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    const changes = newUser();
    const updated = await client.users.update(user.id, { email: changes.email, username: changes.username });
    expect(updated).toMatchObject({ id: user.id, email: changes.email, username: changes.username, admin: false });
    expect(await client.users.get(user.id)).toEqual(updated);
  });

  it('accepts an urlencoded body', async () => {
    const client = server.client();
    const { user, token } = await signUp(client);
    const username = newUser().username;
    const { status, body } = await raw('PUT', `/users/${user.id}`, {
      token,
      type: 'application/x-www-form-urlencoded',
      body: `username=${username}`,
    });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ id: user.id, username });
  });

  it("answers 403 for someone else's account and leaves it unchanged", async () => {
    const owner = server.client();
    const { user } = await signUp(owner);
    const stranger = server.client();
    await signUp(stranger);
    const error = await failure(stranger.users.update(user.id, { username: newUser().username }));
    expect(error.status).toBe(403);
    expect(await owner.users.get(user.id)).toEqual(user);
  });

  it('lets an admin change anyone, reading admin from the database rather than the token', async () => {
    const owner = server.client();
    const { user } = await signUp(owner);
    const admin = server.client();
    const { credentials } = await signUp(admin);
    // The token was issued before the promotion: it is the database that counts.
    await server.server.services.users.setAdmin(credentials.email, true);
    const username = newUser().username;
    expect(await admin.users.update(user.id, { username })).toMatchObject({ id: user.id, username });
    await server.server.services.users.setAdmin(credentials.email, false);
    expect((await failure(admin.users.update(user.id, { username: newUser().username }))).status).toBe(403);
  });

  it('answers 404 for an unknown id, to admins and others alike', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    expect((await failure(client.users.update(randomUUID(), { username: newUser().username }))).status).toBe(404);
    await server.server.services.users.setAdmin(credentials.email, true);
    expect((await failure(client.users.update(randomUUID(), { username: newUser().username }))).status).toBe(404);
  });

  const invalidChanges: [string, Record<string, unknown>, RegExp][] = [
    ['any other field', { password: goodPassword }, /Unknown field: password/],
    ['the admin flag', { admin: true }, /Unknown field: admin/],
    ['the id', { id: randomUUID() }, /Unknown field: id/],
    ['an invalid email', { email: 'nope' }, /email: must be a valid email/],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@b.com` }, /email: must be at most 254/],
    ['an invalid username', { username: 'ab' }, /username: must be 5 to 25/],
    [
      'a username with other characters than letters and digits',
      { username: 'ab cd ef' },
      /username: must contain only letters and digits/,
    ],
    ['a value of the wrong JSON type', { email: null }, /email: must be a text value/],
    ['a username of the wrong JSON type', { username: 12345 }, /username: must be a text value/],
  ];
  it.each(invalidChanges)('answers 422 for %s and changes nothing', async (_, changes, message) => {
    const client = server.client();
    const { user } = await signUp(client);
    const error = await failure(client.users.update(user.id, changes));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(message);
    expect(await client.users.get(user.id)).toEqual(user);
  });

  it('answers 422 for a taken username, ignoring case', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    const other = await server.client().users.create(newUser());
    const error = await failure(client.users.update(user.id, { username: other.username.toUpperCase() }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/username: is already taken/);
  });

  it("answers 200 and keeps the user when the body changes nothing, or only the email's case", async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    expect(await client.users.update(user.id, {})).toEqual(user);
    const shouting = await client.users.update(user.id, { email: user.email.toUpperCase() });
    expect(shouting.email).toBe(user.email.toUpperCase());
    // The user still logs in with any case.
    await client.sessions.login({ email: credentials.email, password: credentials.password });
    expect((await client.sessions.current()).email).toBe(user.email.toUpperCase());
  });
});
