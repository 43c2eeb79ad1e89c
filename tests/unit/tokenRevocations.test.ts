import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountEvent } from '../../libraries/accountEvents';
import {
  RevocationStoreError,
  revokedTokenKey,
  TokenRevocations,
  userTokensMarkKey,
  type RevocableToken,
} from '../../libraries/tokenRevocations';
import { MemoryAccountEvents } from '../harness/memory/accountEvents';
import { MemoryRedis } from '../harness/memory/redis';

const ttlS = 3600;

/** `TokenRevocations` over a map standing in for Redis, counting what it tells the metrics. */
function revocationsInMemory() {
  const redis = new MemoryRedis();
  const events = new MemoryAccountEvents();
  const counted: AccountEvent[] = [];
  const revocations = new TokenRevocations(redis, ttlS, events, (event) => counted.push(event));
  return { redis, events, counted, revocations };
}

/** A token of `userId` issued now (or at `iatMs`), valid for an hour. */
function tokenOf(userId: string, iatMs = Date.now()): RevocableToken {
  return { sub: userId, jti: randomUUID(), iatMs, exp: Math.floor(iatMs / 1000) + ttlS };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TokenRevocations', () => {
  it('refuses a revoked token and no other token of its user', async () => {
    const { revocations } = revocationsInMemory();
    const [revoked, other] = [tokenOf('u1'), tokenOf('u1')];
    await revocations.revoke(revoked);
    expect(await revocations.refusal(revoked)).toBe('revoked');
    expect(await revocations.refusal(other)).toBeUndefined();
  });

  it('keeps a revoked token only until it would have expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.000Z'));
    const { redis, revocations } = revocationsInMemory();
    const token = tokenOf('u1', Date.now() - 600_000);
    await revocations.revoke(token);
    expect(redis.ttlMs(revokedTokenKey(token.jti))).toBe((ttlS - 600) * 1000);
  });

  it('stores and announces nothing for a token that has already expired', async () => {
    const { redis, events, revocations } = revocationsInMemory();
    const token = { ...tokenOf('u1'), exp: Math.floor(Date.now() / 1000) - 1 };
    await revocations.revoke(token);
    expect(redis.ttlMs(revokedTokenKey(token.jti))).toBeUndefined();
    expect(events.published).toEqual([]);
  });

  it('refuses every token of a user issued until now except the one named, and none issued later', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.000Z'));
    const { redis, revocations } = revocationsInMemory();
    const [earlier, kept, sameMillisecond] = [tokenOf('u1', Date.now() - 5), tokenOf('u1'), tokenOf('u1')];
    const othersToken = tokenOf('u2', Date.now() - 5);
    await revocations.revokeUserTokens('u1', kept.jti);
    // The mark lasts as long as the longest token it may refuse.
    expect(redis.ttlMs(userTokensMarkKey('u1'))).toBe(ttlS * 1000);
    vi.setSystemTime(Date.now() + 1);
    const later = tokenOf('u1');
    expect(
      await Promise.all(
        [earlier, kept, sameMillisecond, othersToken, later].map((token) => revocations.refusal(token)),
      ),
    ).toEqual(['revoked', undefined, 'revoked', undefined, undefined]);
  });

  it('refuses every token of a deleted user, even one issued after the deletion, as userGone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.000Z'));
    const { revocations } = revocationsInMemory();
    const before = tokenOf('u1');
    await revocations.revokeDeletedUser('u1');
    vi.setSystemTime(Date.now() + 1000);
    expect([await revocations.refusal(before), await revocations.refusal(tokenOf('u1'))]).toEqual([
      'userGone',
      'userGone',
    ]);
  });

  it('takes a per-user mark it cannot read for no mark', async () => {
    const { redis, revocations } = revocationsInMemory();
    await redis.set(userTokensMarkKey('u1'), '{not json', 60_000);
    expect(await revocations.refusal(tokenOf('u1'))).toBeUndefined();
  });

  it('announces each revocation to every process, and tells the metrics of each', async () => {
    const { events, counted, revocations } = revocationsInMemory();
    const token = tokenOf('u1');
    await revocations.revoke(token);
    await revocations.revokeUserTokens('u2');
    await revocations.revokeUserTokens('u3', 'keep-me');
    await revocations.revokeDeletedUser('u4');
    const expected = [
      { type: 'tokenRevoked', userId: 'u1', jti: token.jti },
      { type: 'userTokensRevoked', userId: 'u2', beforeMs: expect.any(Number) as number },
      { type: 'userTokensRevoked', userId: 'u3', beforeMs: expect.any(Number) as number, exceptJti: 'keep-me' },
      { type: 'userDeleted', userId: 'u4' },
    ];
    expect(events.published).toEqual(expected);
    expect(counted).toEqual(expected);
  });

  it('answers 503 with Retry-After, never a pass, when Redis can neither tell nor store', async () => {
    const { redis, revocations } = revocationsInMemory();
    redis.failure = new Error('connect ECONNREFUSED');
    const token = tokenOf('u1');
    for (const call of [
      () => revocations.refusal(token),
      () => revocations.revoke(token),
      () => revocations.revokeUserTokens('u1'),
      () => revocations.revokeDeletedUser('u1'),
    ]) {
      const error = await call().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(RevocationStoreError);
      expect(error).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, cause: redis.failure });
    }
  });

  it('answers 503 when the revocation is stored but cannot be announced', async () => {
    const { events, revocations } = revocationsInMemory();
    events.failure = new Error('publish failed');
    const token = tokenOf('u1');
    await expect(revocations.revoke(token)).rejects.toBeInstanceOf(RevocationStoreError);
    expect(await revocations.refusal(token)).toBe('revoked');
  });
});
