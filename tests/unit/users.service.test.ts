import { randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { serviceUnavailable } from '../../libraries/errors';
import type { StoredUser } from '../../models/users';
import { memoryAccounts, memoryClient } from '../harness/memory/accounts';
import { goodPassword, newUser } from '../harness/users';

/** The account services over in-memory fakes, with one registered user and a way to log it in. */
async function withUser() {
  const accounts = memoryAccounts();
  const registration = newUser();
  const user = await accounts.users.register(registration);
  /** A session of `of` (the user by default) as a login would start it now: its access token. */
  const login = async (of: StoredUser = user) =>
    (await accounts.sessionsService.start((await accounts.users.getById(of.id))!, memoryClient)).token;
  /** How authenticating a token ends: the user's id, or the refusal's message. */
  const verdict = (token: string) =>
    accounts.sessionsService.authenticate(token).then(
      ({ user: authenticated }) => `accepted for ${authenticated.id}`,
      (error: Error) => error.message,
    );
  accounts.journal.length = 0;
  return { ...accounts, user, registration, login, verdict };
}

/** The status each settled call answers: its error's, or `success` when it succeeded; sorted. */
const statuses = (results: PromiseSettledResult<unknown>[], success: number) =>
  results
    .map((result) => (result.status === 'fulfilled' ? success : (result.reason as { status: number }).status))
    .sort((a, b) => a - b);

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

  // Counted, not timed (timing belongs in benchmarks): the spies call through.
  it('spends on an unknown email the bcrypt work of a wrong password: one comparison of the configured cost, no hash', async () => {
    const { users, registration } = await withUser();
    const compare = vi.spyOn(bcrypt, 'compare');
    const hash = vi.spyOn(bcrypt, 'hash');
    try {
      const workFor = async (email: string) => {
        compare.mockClear();
        hash.mockClear();
        expect(await users.verifyCredentials(email, 'wrong password')).toBeUndefined();
        return {
          comparisons: compare.mock.calls.map(([password, against]) => [password, String(against).slice(0, 7)]),
          hashes: hash.mock.calls.length,
        };
      };
      const wrongPassword = await workFor(registration.email);
      expect(wrongPassword).toEqual({ comparisons: [['wrong password', '$2b$04$']], hashes: 0 });
      expect(await workFor(`nobody-${randomUUID()}@example.com`)).toEqual(wrongPassword);
    } finally {
      compare.mockRestore();
      hash.mockRestore();
    }
  });
});

describe('UsersService.changePassword', () => {
  const change = { currentPassword: goodPassword, newPassword: 'a brand new password' };

  it('stores the new hash with the next token generation in one write, then ends every session of the user', async () => {
    const { users, journal, user, registration, login, verdict } = await withUser();
    const earlier = [await login(), await login()];
    journal.length = 0;
    const changed = await users.changePassword(user, change);
    expect(changed.tokenGeneration).toBe(1);
    expect(journal).toEqual([
      `store.setPassword ${user.id} generation 1`,
      `sessions.remove ${user.id} 2`,
      `events.publish userTokensRevoked ${user.id}`,
    ]);
    for (const token of earlier) expect(await verdict(token)).toBe('The token has been revoked.');
    expect(await verdict(await login(changed))).toBe(`accepted for ${user.id}`);
    expect(await users.verifyCredentials(registration.email, 'a brand new password')).toMatchObject({ id: user.id });
    expect(await users.verifyCredentials(registration.email, goodPassword)).toBeUndefined();
  });

  it('refuses the earlier tokens from the write on, even when the session store then fails to end their sessions (503)', async () => {
    const { users, records, user, registration, login, verdict } = await withUser();
    const earlier = await login();
    records.failure = new Error('connection refused');
    await expect(users.changePassword(user, change)).rejects.toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
    });
    records.failure = undefined;
    expect(await verdict(earlier)).toBe('The token has been revoked.');
    expect(await users.verifyCredentials(registration.email, 'a brand new password')).toMatchObject({ id: user.id });
  });

  it('refuses a wrong current password with 403 and stores and ends nothing', async () => {
    const { users, journal, user } = await withUser();
    await expect(
      users.changePassword(user, { currentPassword: 'not the password', newPassword: 'a brand new password' }),
    ).rejects.toMatchObject({ status: 403, code: 'invalid_credentials', message: 'currentPassword: is wrong.' });
    expect(journal).toEqual([]);
  });

  it('answers 409 when the user changed since the caller read it (another change won), and stores nothing', async () => {
    const { users, journal, user } = await withUser();
    await users.revokeAllTokens(user.id);
    journal.length = 0;
    await expect(users.changePassword(user, change)).rejects.toMatchObject({ status: 409, code: 'conflict' });
    expect(journal).toEqual([]);
  });

  it('lets one of two racing changes with the same caller win, and answers the other with 409', async () => {
    const { users, user, registration } = await withUser();
    const attempt = (newPassword: string) => users.changePassword(user, { currentPassword: goodPassword, newPassword });
    const results = await Promise.allSettled([attempt('first new password'), attempt('second new password')]);
    expect(statuses(results, 200)).toEqual([200, 409]);
    const winner = results[0].status === 'fulfilled' ? 'first new password' : 'second new password';
    expect(await users.verifyCredentials(registration.email, winner)).toMatchObject({
      id: user.id,
      tokenGeneration: 1,
    });
  });
});

describe('UsersService.resetPassword', () => {
  it('sets the password without the current one, moves the generation on and ends every session', async () => {
    const { users, user, registration, login, verdict } = await withUser();
    const earlier = await login();
    const reset = await users.resetPassword(user, 'a reset password');
    expect(reset.tokenGeneration).toBe(1);
    expect(await verdict(earlier)).toBe('The token has been revoked.');
    expect(await users.verifyCredentials(registration.email, 'a reset password')).toMatchObject({ id: user.id });
  });
});

describe('UsersService.remove', () => {
  it('deletes the profile image, then the user with its claims, then ends its sessions as those of a deleted user', async () => {
    const { users, journal, profileImages, user, login, verdict } = await withUser();
    profileImages.images.add(user.id);
    const token = await login();
    journal.length = 0;
    await users.remove(user.id);
    expect(journal).toEqual([
      `images.delete ${user.id}`,
      `store.delete ${user.id}`,
      `sessions.remove ${user.id} 1`,
      `events.publish userDeleted ${user.id}`,
    ]);
    expect(profileImages.images.has(user.id)).toBe(false);
    expect(await users.getById(user.id)).toBeUndefined();
    expect(await verdict(token)).toBe('The user of this token no longer exists.');
  });

  it('frees the email and the username for a new registration', async () => {
    const { users, user, registration } = await withUser();
    await users.remove(user.id);
    const again = await users.register({ ...registration, email: registration.email.toUpperCase() });
    expect(again.id).not.toBe(user.id);
  });

  it('keeps the account and its tokens when the image storage fails, with a 503', async () => {
    const { users, profileImages, journal, user, login, verdict } = await withUser();
    const token = await login();
    journal.length = 0;
    profileImages.failure = new Error('S3 is away');
    await expect(users.remove(user.id)).rejects.toMatchObject({
      status: 503,
      message: 'The image storage is unavailable; try again.',
    });
    expect(journal).toEqual([]);
    expect(await users.getById(user.id)).toMatchObject({ id: user.id });
    expect(await verdict(token)).toBe(`accepted for ${user.id}`);
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
  it("moves the user's token generation on and ends its sessions: its earlier tokens are refused, no other user's, and a later login works", async () => {
    const { users, journal, events, user, login, verdict } = await withUser();
    const other = await users.register(newUser());
    const before = await login();
    const othersToken = await login(other);
    journal.length = 0;
    await users.revokeAllTokens(user.id);
    expect(journal).toEqual([
      `store.moveTokenGeneration ${user.id} generation 1`,
      `sessions.remove ${user.id} 1`,
      `events.publish userTokensRevoked ${user.id}`,
    ]);
    expect(events.published.at(-1)).toEqual({ type: 'userTokensRevoked', userId: user.id, generation: 1 });
    expect(await verdict(before)).toBe('The token has been revoked.');
    expect(await verdict(othersToken)).toBe(`accepted for ${other.id}`);
    expect(await verdict(await login())).toBe(`accepted for ${user.id}`);
  });

  it('answers 404 for a user that does not exist, and ends nothing', async () => {
    const { users, journal } = await withUser();
    await expect(users.revokeAllTokens(randomUUID())).rejects.toMatchObject({ status: 404 });
    expect(journal).toEqual([]);
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
