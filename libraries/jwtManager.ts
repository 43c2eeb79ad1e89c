import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { HttpError } from './errors';

/** What a verified access token says. */
export interface TokenClaims {
  /** User id. */
  sub: string;
  /** Token id (a uuid). */
  jti: string;
  /** The session the token belongs to: ending the session refuses the token. */
  sid: string;
  /** The user's token generation when the token was issued: a "log out everywhere" or a password change moves it on. */
  gen: number;
  /** When it was issued, in seconds since the epoch (the signing process's clock). */
  iat: number;
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

/** What a token is signed for: the user, the session and the user's token generation. */
export type TokenSubject = Pick<TokenClaims, 'sub' | 'sid' | 'gen'>;

/**
 * How far in the future a token's `iat` may lie: server processes' clocks may differ by up to 10
 * minutes, and each must accept the others' fresh tokens. Beyond it, a token is refused.
 */
export const issuedAtLeewayS = 15 * 60;

/**
 * Why a token was refused: `invalid` (bad signature, malformed, wrong algorithm, no session, issued
 * in the future), `expired` or `revoked`. It answers 403 by itself.
 */
export class TokenError extends HttpError {
  constructor(
    readonly reason: 'invalid' | 'expired' | 'revoked',
    message: string,
  ) {
    super(403, message, {}, { code: `token_${reason}` });
    this.name = 'TokenError';
  }
}

const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Signs and reads the API's access tokens: HS256 JWTs with `sub` = user id, `jti` = a uuid, `sid`
 * = the session and `gen` = the user's token generation. It revokes nothing and asks nothing:
 * whether the session still exists and the generation is current is `Sessions`' and the user's to
 * say.
 */
export class JwtManager {
  private readonly key: KeyObject;

  /**
   * @param secretKey the HMAC secret (`app_key`)
   * @param ttlSeconds token lifetime (`token_ttl`)
   */
  constructor(
    secretKey: string,
    readonly ttlSeconds = 15 * 60,
  ) {
    // A KeyObject spares jsonwebtoken from trying to parse the secret as a PEM key on every call.
    this.key = createSecretKey(Buffer.from(secretKey, 'utf8'));
  }

  /** Signs a token of a session, valid for `ttlSeconds`. */
  sign(subject: TokenSubject): { token: string; claims: TokenClaims } {
    const jti = randomUUID();
    const iat = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = { ...subject, jti, iat, exp: iat + this.ttlSeconds };
    const token = jwt.sign({ sid: subject.sid, gen: subject.gen, iat, exp: claims.exp }, this.key, {
      algorithm: 'HS256',
      subject: subject.sub,
      jwtid: jti,
    });
    return { token, claims };
  }

  /**
   * Checks the signature (HS256 only), the expiry, that `iat` is not in the future beyond
   * `issuedAtLeewayS`, and the claims — without asking anything else.
   * @throws TokenError `invalid` or `expired`
   */
  decode(token: string): TokenClaims {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new TokenError('expired', 'The token has expired.');
      throw new TokenError('invalid', 'The token is invalid.');
    }
    if (
      typeof payload === 'string' ||
      typeof payload.sub !== 'string' ||
      typeof payload.jti !== 'string' ||
      typeof payload.sid !== 'string' ||
      !isWholeNumber(payload.gen) ||
      payload.gen < 0 ||
      !isWholeNumber(payload.iat) ||
      !isWholeNumber(payload.exp)
    ) {
      // Tokens issued before sessions existed (no `sid`) are refused too: their users log in again.
      throw new TokenError('invalid', 'The token is invalid.');
    }
    if (payload.iat > Date.now() / 1000 + issuedAtLeewayS)
      throw new TokenError('invalid', 'The token is invalid: it was issued in the future.');
    return {
      sub: payload.sub,
      jti: payload.jti,
      sid: payload.sid,
      gen: payload.gen,
      iat: payload.iat,
      exp: payload.exp,
    };
  }
}
