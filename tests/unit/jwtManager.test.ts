import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../libraries/errors';
import { issuedAtLeewayS, JwtManager, TokenError } from '../../libraries/jwtManager';

const secret = 'k'.repeat(40);
const subject = { sub: 'user-1', sid: 'session-1', gen: 3 };

/** What `decode` throws for a token, or undefined. */
function refusal(manager: JwtManager, token: string): unknown {
  try {
    manager.decode(token);
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

/** A token signed with the right key and algorithm, with these claims. */
const signed = (payload: object, options: jwt.SignOptions = {}) =>
  jwt.sign(payload, secret, { algorithm: 'HS256', ...options });

afterEach(() => {
  vi.useRealTimers();
});

describe('JwtManager', () => {
  it('signs an HS256 token of the session and generation that expires after the TTL, with a uuid jti', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00.250Z'));
    const manager = new JwtManager(secret, 90);
    const { token, claims } = manager.sign(subject);
    const iat = Math.floor(Date.parse('2026-11-26T10:00:00.250Z') / 1000);
    expect(claims).toEqual({ ...subject, jti: expect.stringMatching(/^[0-9a-f-]{36}$/), iat, exp: iat + 90 });
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('HS256');
    expect(manager.decode(token)).toEqual(claims);
    expect(manager.sign(subject).claims.jti).not.toBe(claims.jti);
  });

  it('gives tokens 15 minutes by default', () => {
    const { claims } = new JwtManager(secret).sign(subject);
    expect(claims.exp - claims.iat).toBe(15 * 60);
  });

  it('refuses as invalid a token signed with another key, another algorithm, or garbage, with a 403', () => {
    const manager = new JwtManager(secret);
    const claims = { sub: 'u', jti: 'j', sid: 's', gen: 0 };
    for (const token of [
      jwt.sign(claims, 'another-key-that-is-long-enough-too', { expiresIn: 60 }),
      jwt.sign(claims, secret, { algorithm: 'HS512', expiresIn: 60 }),
      'not.a.token',
    ]) {
      const error = refusal(manager, token);
      expect(error).toBeInstanceOf(TokenError);
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ name: 'TokenError', reason: 'invalid', status: 403, code: 'token_invalid' });
    }
  });

  it('refuses as expired a token past its exp', () => {
    const manager = new JwtManager(secret, 1);
    const { token } = manager.sign(subject);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2000);
    expect(refusal(manager, token)).toMatchObject({ reason: 'expired', code: 'token_expired' });
  });

  it.each([
    ['without sub', { jti: 'j', sid: 's', gen: 0 }],
    ['without jti', { sub: 'u', sid: 's', gen: 0 }],
    ['without a session (issued before sessions existed)', { sub: 'u', jti: 'j' }],
    ['without a generation', { sub: 'u', jti: 'j', sid: 's' }],
    ['with a numeric sub', { sub: 1, jti: 'j', sid: 's', gen: 0 }],
    ['with a numeric sid', { sub: 'u', jti: 'j', sid: 1, gen: 0 }],
    ['with a negative generation', { sub: 'u', jti: 'j', sid: 's', gen: -1 }],
    ['with a fractional generation', { sub: 'u', jti: 'j', sid: 's', gen: 0.5 }],
    ['with a generation as text', { sub: 'u', jti: 'j', sid: 's', gen: '0' }],
  ])('refuses as invalid a well-signed token %s', (_case, payload) => {
    expect(refusal(new JwtManager(secret), signed(payload, { expiresIn: 60 }))).toMatchObject({ reason: 'invalid' });
  });

  it('refuses as invalid a well-signed token without exp or iat, or a string payload', () => {
    const manager = new JwtManager(secret);
    expect(refusal(manager, signed({ sub: 'u', jti: 'j', sid: 's', gen: 0 }))).toMatchObject({ reason: 'invalid' });
    expect(
      refusal(manager, signed({ sub: 'u', jti: 'j', sid: 's', gen: 0 }, { noTimestamp: true, expiresIn: 60 })),
    ).toMatchObject({ reason: 'invalid' });
    expect(refusal(manager, jwt.sign('just text', secret, { algorithm: 'HS256' }))).toMatchObject({
      reason: 'invalid',
    });
  });

  it('accepts a token issued up to the leeway in the future (another process’s clock), and refuses one beyond it', () => {
    const manager = new JwtManager(secret);
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number) => signed({ ...subject, jti: 'j', iat, exp: iat + 900 });
    expect(manager.decode(issuedAt(now + 10 * 60))).toMatchObject({ iat: now + 600 });
    expect(refusal(manager, issuedAt(now + issuedAtLeewayS - 5))).toBeUndefined();
    expect(refusal(manager, issuedAt(now + issuedAtLeewayS + 5))).toMatchObject({
      reason: 'invalid',
      message: 'The token is invalid: it was issued in the future.',
    });
  });

  it('accepts a token issued long ago under a longer lifetime while it has not expired (its session decides the rest)', () => {
    const manager = new JwtManager(secret, 60);
    const iat = Math.floor(Date.now() / 1000) - 7 * 86_400;
    const token = signed({ ...subject, jti: 'j', iat, exp: iat + 30 * 86_400 });
    expect(manager.decode(token)).toMatchObject({ ...subject, iat });
  });
});
