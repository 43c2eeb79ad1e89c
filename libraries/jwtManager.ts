import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { HttpError } from './errors';
import type { TokenRevocations } from './tokenRevocations';

/** What a verified token says. */
export interface TokenClaims {
  /** User id. */
  sub: string;
  /** Token id (a uuid), the unit of revocation. */
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /**
   * When it was issued, in milliseconds since the epoch (claim `iat_ms`; `iat` has whole seconds,
   * too coarse to tell a token issued just before a "log out everywhere" from one just after).
   */
  iatMs: number;
}

/**
 * Why a token was refused: `invalid` (bad signature, malformed, wrong algorithm), `expired` or
 * `revoked`. It answers 403 by itself.
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

/**
 * Signs and verifies the API's tokens: HS256 JWTs with `sub` = user id and `jti` = a uuid. It
 * revokes nothing: revocation is `TokenRevocations`' alone, which `verify` asks whether a token is
 * refused (one `MGET` however many tokens were revoked).
 */
export class JwtManager {
  private readonly key: KeyObject;

  /**
   * @param secretKey the HMAC secret (`app_key`)
   * @param revocations what tells a revoked token (`TokenRevocations`)
   * @param ttlSeconds token lifetime (`token_ttl`)
   */
  constructor(
    secretKey: string,
    private readonly revocations: Pick<TokenRevocations, 'refusal'>,
    private readonly ttlSeconds = 4 * 3600,
  ) {
    // A KeyObject spares jsonwebtoken from trying to parse the secret as a PEM key on every call.
    this.key = createSecretKey(Buffer.from(secretKey, 'utf8'));
  }

  /** Creates a token for a user. */
  create(userId: string): { token: string; claims: TokenClaims } {
    const jti = randomUUID();
    const iatMs = Date.now();
    const token = jwt.sign({ iat_ms: iatMs }, this.key, {
      algorithm: 'HS256',
      subject: userId,
      jwtid: jti,
      expiresIn: this.ttlSeconds,
    });
    const decoded = jwt.decode(token) as { exp: number };
    return { token, claims: { sub: userId, jti, exp: decoded.exp, iatMs } };
  }

  /**
   * Checks the signature (HS256 only), the expiry and the claims, without asking Redis.
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
      typeof payload.exp !== 'number'
    ) {
      throw new TokenError('invalid', 'The token is invalid.');
    }
    const iatMs = typeof payload.iat_ms === 'number' ? payload.iat_ms : (payload.iat ?? 0) * 1000;
    return { sub: payload.sub, jti: payload.jti, exp: payload.exp, iatMs };
  }

  /**
   * Verifies a token completely: signature, expiry, its own revocation and its user's mark (one
   * Redis round trip).
   * @throws TokenError when it is refused; RevocationStoreError when Redis cannot tell
   */
  async verify(token: string): Promise<TokenClaims> {
    const claims = this.decode(token);
    const refusal = await this.revocations.refusal(claims);
    if (refusal === 'userGone') throw new TokenError('revoked', 'The user of this token no longer exists.');
    if (refusal === 'revoked') throw new TokenError('revoked', 'The token has been revoked.');
    return claims;
  }
}
