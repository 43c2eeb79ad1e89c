import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../libraries/errors';
import { JwtManager, TokenError } from '../../libraries/jwtManager';
import type { Refusal, RevocableToken } from '../../libraries/tokenRevocations';

const secret = 'k'.repeat(40);

/**
 * A stand-in for the revocation store that answers `refusal` as told and records what it is asked
 * (`TokenRevocations` has unit tests of its own, and runs against Redis in the end-to-end suites).
 */
function standInRevocations(refusal: Refusal = undefined) {
  const calls: unknown[][] = [];
  const store = {
    refusal: (token: RevocableToken) => (calls.push(['refusal', token.jti]), Promise.resolve(refusal)),
  };
  return { calls, store };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('JwtManager', () => {
  it('creates an HS256 token for the user that expires after the TTL, with a uuid jti and iat in ms', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.250Z'));
    const manager = new JwtManager(secret, standInRevocations().store, 90);
    const { token, claims } = manager.create('user-1');
    const now = Date.parse('2026-11-26T10:00:00.250Z');
    expect(claims).toEqual({
      sub: 'user-1',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      exp: Math.floor(now / 1000) + 90,
      iatMs: now,
    });
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('HS256');
    expect(manager.decode(token)).toEqual(claims);
    expect(manager.create('user-1').claims.jti).not.toBe(claims.jti);
  });

  it('gives tokens four hours by default', () => {
    const { claims } = new JwtManager(secret, standInRevocations().store).create('u');
    expect(claims.exp - Math.floor(claims.iatMs / 1000)).toBe(4 * 3600);
  });

  it('refuses as invalid a token signed with another key, another algorithm, or garbage, with a 403', () => {
    const manager = new JwtManager(secret, standInRevocations().store);
    const claims = { sub: 'u', jti: 'j' };
    const tokens = [
      jwt.sign(claims, 'another-key-that-is-long-enough-too', { expiresIn: 60 }),
      jwt.sign(claims, secret, { algorithm: 'HS512', expiresIn: 60 }),
      'not.a.token',
    ];
    for (const token of tokens) {
      const error = (() => {
        try {
          manager.decode(token);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(TokenError);
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({
        name: 'TokenError',
        reason: 'invalid',
        status: 403,
        message: 'The token is invalid.',
      });
    }
  });

  it('refuses as expired a token past its exp', () => {
    const manager = new JwtManager(secret, standInRevocations().store, 1);
    const { token } = manager.create('u');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2000);
    expect(() => manager.decode(token)).toThrow(
      expect.objectContaining({ reason: 'expired', message: 'The token has expired.' }),
    );
  });

  it.each([
    ['without sub', { jti: 'j' }, { expiresIn: 60 }],
    ['without jti', { sub: 'u' }, { expiresIn: 60 }],
    ['without exp', { sub: 'u', jti: 'j' }, {}],
    ['with a numeric sub', { sub: 1, jti: 'j' }, { expiresIn: 60 }],
    ['with a numeric jti', { sub: 'u', jti: 1 }, { expiresIn: 60 }],
  ])('refuses as invalid a well-signed token %s', (_case, payload, options) => {
    const token = jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
    expect(() => new JwtManager(secret, standInRevocations().store).decode(token)).toThrow(
      expect.objectContaining({ reason: 'invalid', message: 'The token is invalid.' }),
    );
  });

  it('refuses as invalid a well-signed string payload', () => {
    const token = jwt.sign('just text', secret, { algorithm: 'HS256' });
    expect(() => new JwtManager(secret, standInRevocations().store).decode(token)).toThrow(
      expect.objectContaining({ reason: 'invalid' }),
    );
  });

  it('takes iat in whole seconds when a token has no iat_ms, and 0 without either', () => {
    const manager = new JwtManager(secret, standInRevocations().store);
    const withIat = jwt.sign({ sub: 'u', jti: 'j', iat: 1_700_000_000, exp: 4_000_000_000 }, secret);
    expect(manager.decode(withIat).iatMs).toBe(1_700_000_000_000);
    const withoutIat = jwt.sign({ sub: 'u', jti: 'j', exp: 4_000_000_000 }, secret, { noTimestamp: true });
    expect(manager.decode(withoutIat).iatMs).toBe(0);
  });

  it.each([
    ['revoked', 'The token has been revoked.'],
    ['userGone', 'The user of this token no longer exists.'],
  ] as const)('verify refuses a token the (stand-in) store calls %s', async (refusal, message) => {
    const { store, calls } = standInRevocations(refusal);
    const manager = new JwtManager(secret, store);
    const { token, claims } = manager.create('u');
    await expect(manager.verify(token)).rejects.toMatchObject({ reason: 'revoked', status: 403, message });
    expect(calls).toEqual([['refusal', claims.jti]]);
  });

  it('verify answers the claims of a token the (stand-in) store does not refuse', async () => {
    const { store, calls } = standInRevocations();
    const manager = new JwtManager(secret, store);
    const { token, claims } = manager.create('u');
    expect(await manager.verify(token)).toEqual(claims);
    expect(calls).toEqual([['refusal', claims.jti]]);
  });

  it('verify asks the store nothing about a token with a bad signature', async () => {
    const { store, calls } = standInRevocations();
    const token = jwt.sign({ sub: 'u', jti: 'j' }, 'another-key-that-is-long-enough-too', { expiresIn: 60 });
    await expect(new JwtManager(secret, store).verify(token)).rejects.toMatchObject({ reason: 'invalid' });
    expect(calls).toEqual([]);
  });
});
