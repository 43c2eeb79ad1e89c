import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isPublicUser, type PublicUser } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser, signUp } from '../harness/users';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** `count` variants of `text` differing only in the case of its first five letters (32 at most). */
function casings(text: string, count: number): string[] {
  const letters = [...text].flatMap((char, position) => (/[a-z]/i.test(char) ? [position] : [])).slice(0, 5);
  return Array.from({ length: count }, (_, i) =>
    [...text.toLowerCase()]
      .map((char, position) =>
        letters.indexOf(position) >= 0 && (i >> letters.indexOf(position)) & 1 ? char.toUpperCase() : char,
      )
      .join(''),
  );
}

/** Settles every promise; returns the fulfilled values and the ApiErrors. */
async function settle<T>(calls: Promise<T>[]): Promise<{ created: T[]; errors: ApiError[] }> {
  const results = await Promise.allSettled(calls);
  const created = results
    .filter((result): result is PromiseFulfilledResult<Awaited<T>> => result.status === 'fulfilled')
    .map((result) => result.value);
  const errors = results
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => result.reason as ApiError);
  return { created, errors };
}

/** Every user of the server, through the paginated list (of an admin, who sees every email). */
async function allUsers(): Promise<PublicUser[]> {
  const client = server.client();
  const { credentials } = await signUp(client);
  await server.server.services.users.setAdmin(credentials.email, true);
  const users: PublicUser[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.users.list({ limit: 100, cursor });
    users.push(...page.data.filter(isPublicUser));
    cursor = page.next ?? undefined;
  } while (cursor);
  return users;
}

describe('uniqueness under concurrency', () => {
  it('creates exactly one user out of 25 concurrent registrations of one email differing only in case', async () => {
    const email = newUser().email;
    const variants = casings(email, 25);
    expect(new Set(variants).size).toBe(25);
    const { created, errors } = await settle(
      variants.map((variant) => server.client().users.create(newUser({ email: variant }))),
    );
    expect(created).toHaveLength(1);
    expect(errors).toHaveLength(24);
    for (const error of errors)
      expect(error).toMatchObject({ status: 422, message: expect.stringMatching(/email: is already taken/) });
    const holders = (await allUsers()).filter((user) => user.email.toLowerCase() === email.toLowerCase());
    expect(holders.map((user) => user.id)).toEqual([created[0]!.id]);
  });

  it('creates exactly one user out of 25 concurrent registrations of one username differing only in case', async () => {
    const username = `abcde${newUser().username.slice(-12)}`;
    const variants = casings(username, 25);
    expect(new Set(variants).size).toBe(25);
    const { created, errors } = await settle(
      variants.map((variant) => server.client().users.create(newUser({ username: variant }))),
    );
    expect(created).toHaveLength(1);
    for (const error of errors)
      expect(error).toMatchObject({ status: 422, message: expect.stringMatching(/username: is already taken/) });
    const holders = (await allUsers()).filter((user) => user.username.toLowerCase() === username.toLowerCase());
    expect(holders.map((user) => user.id)).toEqual([created[0]!.id]);
  });

  it('lets only one of 10 users racing for one new email have it', async () => {
    const racers = await Promise.all(Array.from({ length: 10 }, () => signUp(server.client())));
    const email = newUser().email;
    const clients = racers.map(() => server.client());
    await Promise.all(
      racers.map((racer, i) => clients[i]!.sessions.login({ email: racer.credentials.email, password: goodPassword })),
    );
    const { created, errors } = await settle(
      racers.map((racer, i) => clients[i]!.users.update(racer.user.id, { email })),
    );
    expect(created).toHaveLength(1);
    expect(errors.map((error) => error.status)).toEqual(Array(9).fill(422));
    const holders = (await allUsers()).filter((user) => user.email === email);
    expect(holders).toHaveLength(1);
  });
});

describe('changing an email', () => {
  it('fails for a taken email, ignoring case, and leaves both users unchanged', async () => {
    const first = server.client();
    const { user: one, credentials: oneCredentials } = await signUp(first);
    const second = server.client();
    const { user: two } = await signUp(second);
    const error = await first.users
      .update(one.id, { email: two.email.toUpperCase(), username: newUser().username })
      .catch((error: unknown) => error);
    expect(error).toMatchObject({ status: 422, message: expect.stringMatching(/email: is already taken/) });
    expect(await first.users.get(one.id)).toEqual(one);
    expect(await second.users.get(two.id)).toEqual(two);
    // The old email still logs in, and the failed change claimed nothing.
    await first.sessions.login({ email: oneCredentials.email, password: goodPassword });
    const free = newUser();
    await expect(server.client().users.create({ ...free, username: free.username })).resolves.toMatchObject({
      username: free.username,
    });
  });

  it('frees the old email for a new registration and moves the login to the new one', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const moved = newUser().email;
    await client.users.update(user.id, { email: moved });
    const newcomer = await server.client().users.create(newUser({ email: credentials.email.toUpperCase() }));
    expect(newcomer.id).not.toBe(user.id);
    const other = server.client();
    await other.sessions.login({ email: moved, password: goodPassword });
    expect((await other.sessions.current()).id).toBe(user.id);
    // The old email now belongs to the newcomer.
    expect((await server.client().sessions.login({ email: credentials.email, password: goodPassword })).data.id).toBe(
      newcomer.id,
    );
  });

  it('frees the old username once it changes', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    await client.users.update(user.id, { username: newUser().username });
    await expect(server.client().users.create(newUser({ username: credentials.username }))).resolves.toMatchObject({
      username: credentials.username,
    });
  });

  it('keeps a user whole when an email change and a username change race', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    const email = newUser().email;
    const username = newUser().username;
    const results = await Promise.allSettled([
      client.users.update(user.id, { email }),
      client.users.update(user.id, { username }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await client.users.get(user.id)).toMatchObject({ id: user.id, email, username });
    // Exactly one item for the user, and the old values are free again.
    expect((await allUsers()).filter((listed) => listed.id === user.id)).toHaveLength(1);
    await expect(
      server.client().users.create(newUser({ email: user.email, username: user.username })),
    ).resolves.toMatchObject({ email: user.email, username: user.username, admin: false });
  });
});
