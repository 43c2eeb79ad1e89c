import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import jwt from 'jsonwebtoken';
import { HttpError } from './errors';
import type { Redis } from './redis';

/** What a verified token says. */
export interface TokenClaims {
  /** User id. */
  sub: string;
  /** Token id (a uuid), the unit of revocation. */
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
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
    super(403, message);
    this.name = 'TokenError';
  }
}

/**
 * The revocation store (Redis) did not answer: the token can be neither accepted nor refused.
 * It answers 503 with `Retry-After` by itself, never a pass.
 */
export class RevocationStoreError extends HttpError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'The session store is unavailable; try again shortly.', { 'Retry-After': '5' }, options);
    this.name = 'RevocationStoreError';
  }
}

/**
 * Creates, verifies and revokes the API's tokens: HS256 JWTs with `sub` = user id and `jti` = a
 * uuid. A logout stores the `jti` in Redis until the token would have expired anyway, so each
 * check costs one `EXISTS` however many tokens were revoked, and the store never outgrows the
 * tokens still alive.
 */
export class JwtManager {
  private readonly key: KeyObject;
  private readonly events = new EventEmitter();

  /**
   * @param secretKey the HMAC secret (`app_key`)
   * @param redis the revocation store
   * @param ttlSeconds token lifetime (`token_ttl`)
   */
  constructor(
    secretKey: string,
    private readonly redis: Redis,
    private readonly ttlSeconds = 4 * 3600,
  ) {
    // A KeyObject spares jsonwebtoken from trying to parse the secret as a PEM key on every call.
    this.key = createSecretKey(Buffer.from(secretKey, 'utf8'));
  }

  /** Creates a token for a user. */
  create(userId: string): { token: string; claims: TokenClaims } {
    const jti = randomUUID();
    const token = jwt.sign({}, this.key, { algorithm: 'HS256', subject: userId, jwtid: jti, expiresIn: this.ttlSeconds });
    const decoded = jwt.decode(token) as TokenClaims;
    return { token, claims: { sub: userId, jti, exp: decoded.exp } };
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
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      throw new TokenError('invalid', 'The token is invalid.');
    }
    return { sub: payload.sub, jti: payload.jti, exp: payload.exp };
  }

  /**
   * Verifies a token completely: signature, expiry and revocation.
   * @throws TokenError when it is refused; RevocationStoreError when Redis cannot tell
   */
  async verify(token: string): Promise<TokenClaims> {
    const claims = this.decode(token);
    if (await this.isRevoked(claims.jti)) throw new TokenError('revoked', 'The token has been revoked.');
    return claims;
  }

  /**
   * Tells whether a token id was revoked.
   * @throws RevocationStoreError when Redis cannot tell
   */
  async isRevoked(jti: string): Promise<boolean> {
    try {
      return await this.redis.exists(revokedTokenKey(jti));
    } catch (error) {
      throw new RevocationStoreError({ cause: error });
    }
  }

  /**
   * Revokes a token until it would have expired.
   * @throws RevocationStoreError when Redis cannot store it
   */
  async revoke(claims: TokenClaims): Promise<void> {
    const remainingMs = claims.exp * 1000 - Date.now();
    if (remainingMs <= 0) return;
    try {
      await this.redis.set(revokedTokenKey(claims.jti), '1', remainingMs);
    } catch (error) {
      throw new RevocationStoreError({ cause: error });
    }
    this.events.emit('revoked', claims);
  }

  /**
   * Calls `listener` after each revocation made through this manager (sockets authenticated
   * with that token lose their authentication). Returns the unsubscribe.
   */
  onRevoked(listener: (claims: TokenClaims) => void): () => void {
    this.events.on('revoked', listener);
    return () => this.events.off('revoked', listener);
  }
}

/** Redis key marking a revoked token id (the client adds `redis_key_prefix`). */
export function revokedTokenKey(jti: string): string {
  return `revoked:${jti}`;
}
