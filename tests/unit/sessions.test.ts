import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountEvent } from '../../libraries/accountEvents';
import { refusalOf, SessionStoreError, Sessions } from '../../libraries/sessions';
import { MemoryAccountEvents } from '../harness/memory/accountEvents';
import { memoryAccounts, memoryClient } from '../harness/memory/accounts';
import { MemorySessionRecords } from '../harness/memory/sessionRecords';
import { goodPassword, newUser } from '../harness/users';

const ttlS = 30 * 86_400;

/** `Sessions` over the in-memory records and events, counting what it tells the metrics. */
function sessionsInMemory() {
  const records = new MemorySessionRecords();
  const events = new MemoryAccountEvents();
  const counted: AccountEvent[] = [];
  const sessions = new Sessions(records, ttlS, events, (event) => counted.push(event));
  return { records, events, counted, sessions };
}

const alice = { id: 'alice', tokenGeneration: 2 };
const bob = { id: 'bob', tokenGeneration: 0 };

/** How a call ends: 'ok', or its error's status and code. */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'ok',
    (error: { status: number; code: string }) => `${error.status} ${error.code}`,
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('refusalOf', () => {
  const claims = { sub: 'alice', sid: 's1', gen: 2 };
  it.each([
    ['its session exists, is its user’s, and the generations agree', { userId: 'alice', generation: 2 }, 2, undefined],
    ['its session has ended', undefined, 2, 'revoked'],
    ['its session is another user’s', { userId: 'bob', generation: 2 }, 2, 'revoked'],
    ['the user’s generation moved on', { userId: 'alice', generation: 2 }, 3, 'revoked'],
    ['its session is of another generation', { userId: 'alice', generation: 1 }, 2, 'revoked'],
  ] as const)('tells a token apart when %s', (_case, session, userGeneration, expected) => {
    expect(refusalOf(claims, session, { tokenGeneration: userGeneration })).toBe(expected);
  });

  it('refuses the token of a user who no longer exists as userGone, whatever its session', () => {
    expect(refusalOf(claims, { userId: 'alice', generation: 2 }, undefined)).toBe('userGone');
  });
});

describe('Sessions', () => {
  it('starts a session of the user at its generation, with an opaque refresh token of which only a hash is stored', async () => {
    const { records, sessions } = sessionsInMemory();
    const { sid, refreshToken } = await sessions.create(alice, memoryClient);
    expect(refreshToken).toMatch(new RegExp(`^${sid}\\.[A-Za-z0-9_-]{43}$`));
    expect(await sessions.touch(sid)).toEqual({ userId: 'alice', generation: 2 });
    expect(JSON.stringify([...(records as unknown as { sessions: Map<string, unknown> }).sessions])).not.toContain(
      refreshToken.split('.')[1],
    );
    const [listed] = await sessions.list('alice', 2);
    expect(listed).toMatchObject({ id: sid, userAgent: 'UnitTest/1.0', ip: '127.0.0.1', generation: 2 });
  });

  it('marks a session used at most once a minute, however often its tokens are checked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.000Z'));
    const { records, sessions } = sessionsInMemory();
    const { sid } = await sessions.create(alice, memoryClient);
    for (let second = 0; second < 59; second++) {
      vi.setSystemTime(Date.now() + 1000);
      await sessions.touch(sid);
    }
    expect(records.touchWrites).toBe(0);
    vi.setSystemTime(Date.now() + 1000);
    await sessions.touch(sid);
    await sessions.touch(sid);
    expect(records.touchWrites).toBe(1);
    expect((await sessions.list('alice', 2))[0]!.lastUsedAtMs).toBe(Date.parse('2026-11-26T10:01:00.000Z'));
  });

  it('trades a refresh token for the next one of the same session; the spent one presented again ends the session (reuse)', async () => {
    const { events, sessions } = sessionsInMemory();
    const { sid, refreshToken: first } = await sessions.create(alice, memoryClient);
    const second = await sessions.rotate(first);
    expect(second).toMatchObject({ sid, owner: { userId: 'alice', generation: 2 } });
    expect(second.refreshToken).not.toBe(first);
    const third = await sessions.rotate(second.refreshToken);
    expect(await outcome(sessions.rotate(first))).toBe('401 refresh_token_reused');
    expect(events.published).toEqual([{ type: 'sessionsEnded', userId: 'alice', sids: [sid] }]);
    expect(await sessions.touch(sid)).toBeUndefined();
    // Every refresh token of the ended session is refused from then on, the newest included.
    for (const presented of [third.refreshToken, second.refreshToken, first])
      expect(await outcome(sessions.rotate(presented))).toBe('401 refresh_token_invalid');
  });

  it('refuses a malformed refresh token without asking the store, and a forged secret without ending the session', async () => {
    const { records, sessions } = sessionsInMemory();
    const { sid, refreshToken } = await sessions.create(alice, memoryClient);
    const forged = `${sid}.${'A'.repeat(43)}`;
    expect(await outcome(sessions.rotate(forged))).toBe('401 refresh_token_invalid');
    expect(await sessions.touch(sid)).toBeDefined();
    records.failure = new Error('Redis is away');
    for (const malformed of ['', 'no-dot', `${sid}.short`, `not-a-uuid.${'A'.repeat(43)}`, `${refreshToken}.x`])
      expect(await outcome(sessions.rotate(malformed)), malformed).toBe('401 refresh_token_invalid');
  });

  it('renews a session for refresh_token_ttl at each refresh, and ends one left unrefreshed that long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-01T00:00:00.000Z'));
    const { sessions } = sessionsInMemory();
    const { sid, refreshToken } = await sessions.create(alice, memoryClient);
    vi.setSystemTime(Date.now() + (ttlS - 60) * 1000);
    const renewed = await sessions.rotate(refreshToken);
    vi.setSystemTime(Date.now() + (ttlS - 60) * 1000);
    expect(await sessions.touch(sid)).toBeDefined();
    vi.setSystemTime(Date.now() + 120 * 1000);
    expect(await sessions.touch(sid)).toBeUndefined();
    expect(await outcome(sessions.rotate(renewed.refreshToken))).toBe('401 refresh_token_invalid');
  });

  it('ends one session of a user only, and tells every process; another user’s session or an unknown one is no session of hers', async () => {
    const { events, sessions } = sessionsInMemory();
    const [a1, a2] = [await sessions.create(alice, memoryClient), await sessions.create(alice, memoryClient)];
    const b1 = await sessions.create(bob, memoryClient);
    expect(await sessions.end('alice', b1.sid)).toBe(false);
    expect(await sessions.end('alice', randomUUID())).toBe(false);
    expect(await sessions.end('alice', a1.sid)).toBe(true);
    expect(await sessions.end('alice', a1.sid)).toBe(false);
    expect([await sessions.touch(a1.sid), await sessions.touch(a2.sid), await sessions.touch(b1.sid)]).toEqual([
      undefined,
      { userId: 'alice', generation: 2 },
      { userId: 'bob', generation: 0 },
    ]);
    expect(events.published).toEqual([{ type: 'sessionsEnded', userId: 'alice', sids: [a1.sid] }]);
  });

  it('ends every other session of a user in one announcement, or all of them with the new generation, or those of a deleted user', async () => {
    const { events, counted, sessions } = sessionsInMemory();
    const [keep, other1, other2] = await Promise.all([1, 2, 3].map(() => sessions.create(alice, memoryClient)));
    const bobs = await sessions.create(bob, memoryClient);
    await sessions.endOthers('alice', keep!.sid);
    expect((await sessions.list('alice', 2)).map((session) => session.id)).toEqual([keep!.sid]);
    await sessions.endAll('alice', 3);
    expect(await sessions.list('alice', 2)).toEqual([]);
    await sessions.endDeleted('bob');
    expect(await sessions.touch(bobs.sid)).toBeUndefined();
    const expected = [
      { type: 'sessionsEnded', userId: 'alice', sids: expect.arrayContaining([other1!.sid, other2!.sid]) as string[] },
      { type: 'userTokensRevoked', userId: 'alice', generation: 3 },
      { type: 'userDeleted', userId: 'bob' },
    ];
    expect(events.published).toEqual(expected);
    expect(counted).toEqual(expected);
  });

  it('lists only the sessions of the generation given (one begun by a login that raced a password change is no session)', async () => {
    const { sessions } = sessionsInMemory();
    const old = await sessions.create({ id: 'alice', tokenGeneration: 1 }, memoryClient);
    const current = await sessions.create(alice, memoryClient);
    const listed = (await sessions.list('alice', 2)).map((session) => session.id);
    expect(listed).toEqual([current.sid]);
    expect(listed).not.toContain(old.sid);
  });

  it('answers 503 with Retry-After, never a pass, when the store can neither tell nor store', async () => {
    const { records, sessions } = sessionsInMemory();
    const { sid, refreshToken } = await sessions.create(alice, memoryClient);
    records.failure = new Error('connect ECONNREFUSED');
    for (const call of [
      () => sessions.create(alice, memoryClient),
      () => sessions.touch(sid),
      () => sessions.owners([sid]),
      () => sessions.rotate(refreshToken),
      () => sessions.list('alice', 2),
      () => sessions.end('alice', sid),
      () => sessions.endOthers('alice', sid),
      () => sessions.endAll('alice', 3),
      () => sessions.endDeleted('alice'),
    ]) {
      const error = await call().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, cause: records.failure });
    }
  });

  it('answers 503 when a session is ended but the end cannot be announced; it stays ended', async () => {
    const { events, sessions } = sessionsInMemory();
    const { sid } = await sessions.create(alice, memoryClient);
    events.failure = new Error('publish failed');
    await expect(sessions.end('alice', sid)).rejects.toBeInstanceOf(SessionStoreError);
    expect(await sessions.touch(sid)).toBeUndefined();
  });
});

describe('SessionsService', () => {
  /** The account services over the fakes, with one registered user as stored. */
  async function withUser() {
    const accounts = memoryAccounts();
    const registration = newUser();
    const registered = await accounts.users.register(registration);
    const user = (await accounts.users.getById(registered.id))!;
    const verdict = (token: string) =>
      accounts.sessionsService.authenticate(token).then(
        ({ user: authenticated }) => `accepted for ${authenticated.id}`,
        (error: Error) => error.message,
      );
    return { ...accounts, user, registration, verdict };
  }

  it('never lets a login that read the user before a password change hand out a working token after it', async () => {
    const { users, sessionsService, user, registration, verdict } = await withUser();
    // The login has checked the old password against the user it read; the change lands; then the login signs.
    const read = await users.verifyCredentials(registration.email, goodPassword);
    expect(read).toBeDefined();
    await users.changePassword(user, { currentPassword: goodPassword, newPassword: 'a brand new password' });
    const late = await sessionsService.start(read!, memoryClient);
    expect(await verdict(late.token)).toBe('The token has been revoked.');
    expect(await outcome(sessionsService.refresh(late.refreshToken))).toBe('401 refresh_token_invalid');
    expect(await sessionsService.list(user.id)).toEqual([]);
  });

  it('refuses a refresh once the user is gone or its generation moved on, and ends that session', async () => {
    const { users, sessions, sessionsService, user } = await withUser();
    const first = await sessionsService.start(user, memoryClient);
    await users.revokeAllTokens(user.id);
    expect(await outcome(sessionsService.refresh(first.refreshToken))).toBe('401 refresh_token_invalid');
    const second = await sessionsService.start((await users.getById(user.id))!, memoryClient);
    expect(await outcome(sessionsService.refresh(second.refreshToken))).toBe('ok');
    await users.remove(user.id);
    expect(await sessions.touch(second.claims.sid)).toBeUndefined();
  });

  it('signs refreshed tokens for the same session and generation, and refuses a token naming another user’s session', async () => {
    const { users, sessionsService, user, verdict, tokens } = await withUser();
    const started = await sessionsService.start(user, memoryClient);
    const refreshed = await sessionsService.refresh(started.refreshToken);
    expect(refreshed.claims).toMatchObject({ sub: user.id, sid: started.claims.sid, gen: 0 });
    expect(refreshed.expiresIn).toBe(900);
    const other = (await users.getById((await users.register(newUser())).id))!;
    const othersSession = await sessionsService.start(other, memoryClient);
    const borrowed = tokens.sign({ sub: user.id, sid: othersSession.claims.sid, gen: 0 }).token;
    expect(await verdict(borrowed)).toBe('The token has been revoked.');
    expect(await verdict(refreshed.token)).toBe(`accepted for ${user.id}`);
  });

  it('tells which of many sockets’ tokens still hold, in one look at the sessions', async () => {
    const { users, sessionsService, user } = await withUser();
    const [kept, ended] = await Promise.all([1, 2].map(() => sessionsService.start(user, memoryClient)));
    const other = (await users.getById((await users.register(newUser())).id))!;
    const deleted = await sessionsService.start(other, memoryClient);
    await sessionsService.logout(ended!.claims, 'local');
    await users.remove(other.id);
    const verdicts = await sessionsService.verdicts([kept!.claims, ended!.claims, deleted.claims]);
    expect(verdicts.map((verdict) => verdict.refusal)).toEqual([undefined, 'revoked', 'userGone']);
    expect(verdicts[0]!.user).toMatchObject({ id: user.id });
  });

  it('lists the sessions with the caller’s current, ends one (404 for an unknown one), and logs out each scope', async () => {
    const { sessionsService, user, verdict } = await withUser();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => sessionsService.start(user, memoryClient)));
    const listed = await sessionsService.list(user.id, a!.claims.sid);
    expect(listed.map((session) => session.current).sort()).toEqual([false, false, true]);
    expect(listed[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await sessionsService.end(user.id, c!.claims.sid);
    await expect(sessionsService.end(user.id, c!.claims.sid)).rejects.toMatchObject({ status: 404 });
    await expect(sessionsService.list(randomUUID())).rejects.toMatchObject({ status: 404 });
    await sessionsService.logout(a!.claims, 'others');
    expect([await verdict(a!.token), await verdict(b!.token)]).toEqual([
      `accepted for ${user.id}`,
      'The token has been revoked.',
    ]);
    await sessionsService.logout(a!.claims, 'all');
    expect(await verdict(a!.token)).toBe('The token has been revoked.');
  });
});
