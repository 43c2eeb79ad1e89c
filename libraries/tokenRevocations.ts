import type { AccountEvent, AccountEvents } from './accountEvents';
import { HttpError } from './errors';
import type { Redis } from './redis';

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

/** Runs a call to the store; its failure is a `RevocationStoreError` (503), never a pass. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new RevocationStoreError({ cause: error });
  }
}

/** What revocation needs to know of a token. */
export interface RevocableToken {
  /** User id. */
  sub: string;
  /** Token id. */
  jti: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** When it was issued, in milliseconds since the epoch. */
  iatMs: number;
}

/** What revocation needs of Redis: `MGET` to check, `SET … PX` to record (`Redis`, or a map in unit tests). */
export type RevocationKeys = Pick<Redis, 'getMany' | 'set'>;

/** Why a token is refused; undefined when it is not. */
export type Refusal = 'revoked' | 'userGone' | undefined;

/**
 * The per-user mark: every token of the user issued up to `beforeMs` is refused, except
 * `exceptJti` (the caller of "log out other devices", or the fresh token of a password change);
 * `deleted` refuses them all.
 */
interface UserMark {
  beforeMs?: number;
  exceptJti?: string;
  deleted?: true;
}

/** Redis key marking a revoked token id (the client adds `redis_key_prefix`). */
export function revokedTokenKey(jti: string): string {
  return `revoked:${jti}`;
}

/** Redis key of a user's mark ("tokens issued before T are refused", or "deleted"). */
export function userTokensMarkKey(userId: string): string {
  return `userTokens:${userId}`;
}

function parseMark(value: string | null): UserMark | undefined {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as UserMark;
  } catch {
    return undefined;
  }
}

/**
 * Token revocation in Redis, the one owner of it: logouts, password changes and deletions revoke
 * here, and `JwtManager.verify` asks `refusal`. One token: its `jti` is stored until the token would have expired.
 * All of a user's tokens: one per-user mark, kept for the longest token lifetime (`token_ttl`), so
 * that every token it may refuse has expired when it goes. A check reads both keys with one `MGET`:
 * one round trip per request, however many tokens were revoked. Every revocation is also published
 * as an account event, so sockets on every process follow. Needs no signing key (the CLI uses it).
 */
export class TokenRevocations {
  /**
   * @param redis the store
   * @param ttlSeconds the token lifetime (`token_ttl`): how long a per-user mark must last
   * @param events where revocations are announced
   * @param onRevoked told of each revocation made here (the metrics count them)
   */
  constructor(
    private readonly redis: RevocationKeys,
    private readonly ttlSeconds: number,
    private readonly events: Pick<AccountEvents, 'publish'>,
    private readonly onRevoked: (event: AccountEvent) => void = () => undefined,
  ) {}

  /**
   * Tells whether a token is refused, in one Redis round trip.
   * @throws RevocationStoreError when Redis cannot tell
   */
  async refusal(token: RevocableToken): Promise<Refusal> {
    const [revoked, markValue] = await storeCall(() =>
      this.redis.getMany([revokedTokenKey(token.jti), userTokensMarkKey(token.sub)]),
    );
    if (revoked !== null) return 'revoked';
    const mark = parseMark(markValue ?? null);
    if (!mark) return undefined;
    if (mark.deleted) return 'userGone';
    if (mark.beforeMs !== undefined && token.iatMs <= mark.beforeMs && token.jti !== mark.exceptJti) return 'revoked';
    return undefined;
  }

  /**
   * Revokes one token until it would have expired, and tells every process.
   * @throws RevocationStoreError when Redis cannot store it
   */
  async revoke(token: Omit<RevocableToken, 'iatMs'>): Promise<void> {
    const remainingMs = token.exp * 1000 - Date.now();
    if (remainingMs <= 0) return;
    await storeCall(() => this.redis.set(revokedTokenKey(token.jti), '1', remainingMs));
    await this.announce({ type: 'tokenRevoked', userId: token.sub, jti: token.jti });
  }

  /**
   * Refuses every token of a user issued until now, except `exceptJti`, and tells every process.
   * @throws RevocationStoreError when Redis cannot store it
   */
  async revokeUserTokens(userId: string, exceptJti?: string): Promise<void> {
    const beforeMs = Date.now();
    await this.setMark(userId, { beforeMs, ...(exceptJti !== undefined ? { exceptJti } : {}) });
    await this.announce({
      type: 'userTokensRevoked',
      userId,
      beforeMs,
      ...(exceptJti !== undefined ? { exceptJti } : {}),
    });
  }

  /**
   * Refuses every token of a deleted user, and tells every process.
   * @throws RevocationStoreError when Redis cannot store it
   */
  async revokeDeletedUser(userId: string): Promise<void> {
    await this.setMark(userId, { deleted: true });
    await this.announce({ type: 'userDeleted', userId });
  }

  private async setMark(userId: string, mark: UserMark): Promise<void> {
    await storeCall(() => this.redis.set(userTokensMarkKey(userId), JSON.stringify(mark), this.ttlSeconds * 1000));
  }

  private async announce(event: AccountEvent): Promise<void> {
    this.onRevoked(event);
    await storeCall(() => this.events.publish(event));
  }
}
