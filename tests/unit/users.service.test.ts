import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serviceUnavailable } from '../../libraries/errors';
import { memoryAccounts } from '../harness/memory/accounts';
import { goodPassword, newUser } from '../harness/users';

/** The account services over in-memory fakes, with one registered user. */
async function withUser() {
  const accounts = memoryAccounts();
  const registration = newUser();
  const user = await accounts.users.register(registration);
  accounts.journal.length = 0;
  return { ...accounts, user, registration };
}

/** The status each settled call answers: its error's, or `success` when it succeeded; sorted. */
const statuses = (results: PromiseSettledResult<unknown>[], success: number) =>
  results
    .map((result) => (result.status === 'fulfilled' ? success : (result.reason as { status: number }).status))
    .sort((a, b) => a - b);

/** How a verification ends: the claims' subject, or the refusal's message. */
const verdict = (verification: Promise<{ sub: string }>) =>
  verification.then(
    (claims) => `accepted for ${claims.sub}`,
    (error: Error) => error.message,
  );

describe('UsersService.register', () => {
  it('stores a bcrypt hash of the password, never the password itself', async () => {
    const { store, user, registration } = await withUser();
    const stored = await store.getById(user.id);
    expect(stored?.password).toMatch(/^\$2b\$04\$/);
    expect(JSON.stringify(stored)).not.toContain(registration.password);
  });

  it('lets one of two registrations racing for one email in different cases through, and refuses the other with 422', async () => {
    const { users, store } = memoryAccounts();
    const email = newUser().email;
    const results = await Promise.allSettled([
      users.register(newUser({ email })),
      users.register(newUser({ email: email.toUpperCase() })),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: { status: 422, message: 'email: is already taken.' },
    });
    expect((await store.list(10)).users).toHaveLength(1);
  });

  it('lets one of two registrations racing for look-alike usernames through (full-width letters fold by NFKC)', async () => {
    const { users } = memoryAccounts();
    const results = await Promise.allSettled([
      users.register(newUser({ username: 'adalovelace' })),
      users.register(newUser({ username: 'ａｄａｌｏｖｅｌａｃｅ' })),
    ]);
    expect(
      results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'ok')).sort(),
    ).toEqual(['ok', 'username: is already taken.']);
  });
});

describe('UsersService.verifyCredentials', () => {
  it('finds the user only with the right password, and refuses an unknown email and an over-long password alike', async () => {
    const { users, user, registration } = await withUser();
    expect(await users.verifyCredentials(registration.email.toUpperCase(), goodPassword)).toMatchObject({
      id: user.id,
    });
    expect(await users.verifyCredentials(registration.email, 'wrong horse battery')).toBeUndefined();
    expect(await users.verifyCredentials('nobody@example.com', goodPassword)).toBeUndefined();
    expect(await users.verifyCredentials(registration.email, goodPassword + 'x'.repeat(80))).toBeUndefined();
  });
});

describe('UsersService.changePassword', () => {
  it("refuses the user's earlier tokens before it stores the new password, and keeps the caller's fresh token", async () => {
    const { users, tokens, journal, user, registration } = await withUser();
    const earlier = tokens.create(user.id);
    const fresh = tokens.create(user.id);
    await users.changePassword(
      user.id,
      { currentPassword: goodPassword, newPassword: 'a brand new password' },
      fresh.claims.jti,
    );
    expect(journal).toEqual([
      `redis.set userTokens:${user.id}`,
      `events.publish userTokensRevoked ${user.id}`,
      `store.setPassword ${user.id}`,
    ]);
    expect(await verdict(tokens.verify(earlier.token))).toBe('The token has been revoked.');
    expect(await verdict(tokens.verify(fresh.token))).toBe(`accepted for ${user.id}`);
    expect(await users.verifyCredentials(registration.email, 'a brand new password')).toMatchObject({ id: user.id });
    expect(await users.verifyCredentials(registration.email, goodPassword)).toBeUndefined();
  });

  it('keeps the old password and every token when the session store cannot record the revocation (503)', async () => {
    const { users, tokens, redis, journal, user, registration } = await withUser();
    const earlier = tokens.create(user.id);
    redis.failure = new Error('connection refused');
    await expect(
      users.changePassword(user.id, { currentPassword: goodPassword, newPassword: 'a brand new password' }, 'fresh'),
    ).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(journal).toEqual([]);
    redis.failure = undefined;
    expect(await users.verifyCredentials(registration.email, goodPassword)).toMatchObject({ id: user.id });
    expect(await verdict(tokens.verify(earlier.token))).toBe(`accepted for ${user.id}`);
  });

  it('refuses a wrong current password with 403 and revokes and stores nothing', async () => {
    const { users, journal, user } = await withUser();
    await expect(
      users.changePassword(user.id, { currentPassword: 'not the password', newPassword: 'a brand new password' }, 'j'),
    ).rejects.toMatchObject({ status: 403, message: 'currentPassword: is wrong.' });
    expect(journal).toEqual([]);
  });

  it('answers 404 for a user that does not exist', async () => {
    const { users } = memoryAccounts();
    await expect(
      users.changePassword(randomUUID(), { currentPassword: goodPassword, newPassword: 'whatever it is' }, 'j'),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('lets one of two racing password changes win, and answers the other with 409', async () => {
    const { users, user, registration } = await withUser();
    const change = (newPassword: string) =>
      users.changePassword(user.id, { currentPassword: goodPassword, newPassword }, randomUUID());
    const results = await Promise.allSettled([change('first new password'), change('second new password')]);
    expect(statuses(results, 200)).toEqual([200, 409]);
    const winner = results[0].status === 'fulfilled' ? 'first new password' : 'second new password';
    expect(await users.verifyCredentials(registration.email, winner)).toMatchObject({ id: user.id });
  });
});

describe('UsersService.remove', () => {
  it('deletes the profile image, then the user with its claims, then refuses its tokens as those of a deleted user', async () => {
    const { users, tokens, journal, profileImages, user } = await withUser();
    profileImages.images.add(user.id);
    const token = tokens.create(user.id).token;
    await users.remove(user.id);
    expect(journal).toEqual([
      `images.delete ${user.id}`,
      `store.delete ${user.id}`,
      `redis.set userTokens:${user.id}`,
      `events.publish userDeleted ${user.id}`,
    ]);
    expect(profileImages.images.has(user.id)).toBe(false);
    expect(await users.getById(user.id)).toBeUndefined();
    expect(await verdict(tokens.verify(token))).toBe('The user of this token no longer exists.');
  });

  it('frees the email and the username for a new registration', async () => {
    const { users, user, registration } = await withUser();
    await users.remove(user.id);
    const again = await users.register({ ...registration, email: registration.email.toUpperCase() });
    expect(again.id).not.toBe(user.id);
  });

  it('keeps the account and its tokens when the image storage fails, with a 503', async () => {
    const { users, tokens, profileImages, journal, user } = await withUser();
    const token = tokens.create(user.id).token;
    profileImages.failure = new Error('S3 is away');
    await expect(users.remove(user.id)).rejects.toMatchObject({
      status: 503,
      message: 'The image storage is unavailable; try again.',
    });
    expect(journal).toEqual([]);
    expect(await users.getById(user.id)).toMatchObject({ id: user.id });
    expect(await verdict(tokens.verify(token))).toBe(`accepted for ${user.id}`);
  });

  it('answers 404 for a user that does not exist, without touching the image storage', async () => {
    const { users, journal } = memoryAccounts();
    await expect(users.remove(randomUUID())).rejects.toMatchObject({ status: 404 });
    expect(journal).toEqual([]);
  });

  it('lets one of two racing deletions delete, answers the other with 404, and revokes once', async () => {
    const { users, events, user } = await withUser();
    const results = await Promise.allSettled([users.remove(user.id), users.remove(user.id)]);
    expect(statuses(results, 204)).toEqual([204, 404]);
    expect(events.published).toEqual([{ type: 'userDeleted', userId: user.id }]);
  });
});

describe('UsersService.setAdmin', () => {
  it('grants and revokes admin by email in any case, and tells every process each time', async () => {
    const { users, events, user, registration } = await withUser();
    expect(await users.setAdmin(registration.email.toUpperCase(), true)).toMatchObject({ id: user.id, admin: true });
    expect(await users.isAdmin(user.id)).toBe(true);
    expect(await users.setAdmin(registration.email, false)).toMatchObject({ admin: false });
    expect(await users.isAdmin(user.id)).toBe(false);
    expect(events.published).toEqual([
      { type: 'adminChanged', userId: user.id, admin: true },
      { type: 'adminChanged', userId: user.id, admin: false },
    ]);
  });

  it('answers undefined for an unknown email and announces nothing', async () => {
    const { users, events } = memoryAccounts();
    expect(await users.setAdmin('nobody@example.com', true)).toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('keeps the change and answers 503 when the other processes cannot be told', async () => {
    const { users, events, user, registration } = await withUser();
    events.failure = serviceUnavailable('Redis is away.');
    await expect(users.setAdmin(registration.email, true)).rejects.toMatchObject({
      status: 503,
      message: 'The change is saved, but the other servers could not be told; try again.',
    });
    expect(await users.isAdmin(user.id)).toBe(true);
  });
});

describe('UsersService.revokeAllTokens', () => {
  it('refuses every token of the user issued until now, none of another user, and no token issued later', async () => {
    const { users, tokens, user } = await withUser();
    const other = await users.register(newUser());
    const before = tokens.create(user.id).token;
    const othersToken = tokens.create(other.id).token;
    await users.revokeAllTokens(user.id);
    // A token issued in the same millisecond as the mark counts as issued before it.
    const markedAt = Date.now();
    while (Date.now() === markedAt) await new Promise((resolve) => setImmediate(resolve));
    const after = tokens.create(user.id).token;
    expect(await verdict(tokens.verify(before))).toBe('The token has been revoked.');
    expect(await verdict(tokens.verify(othersToken))).toBe(`accepted for ${other.id}`);
    expect(await verdict(tokens.verify(after))).toBe(`accepted for ${user.id}`);
  });
});

describe('UsersService.update', () => {
  it('moves a user to a new email, freeing the old one, and refuses a username another user holds in another case', async () => {
    const { users, user, registration } = await withUser();
    const other = await users.register(newUser());
    const email = newUser().email;
    expect(await users.update(user.id, { email })).toMatchObject({ id: user.id, email });
    expect(await users.getByEmail(registration.email)).toBeUndefined();
    expect(await users.register({ ...newUser(), email: registration.email })).toMatchObject({
      email: registration.email,
    });
    await expect(users.update(user.id, { username: other.username.toUpperCase() })).rejects.toMatchObject({
      status: 422,
      message: 'username: is already taken.',
    });
  });
});
