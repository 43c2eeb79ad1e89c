import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccountEvent, AccountEvents } from './accountEvents';
import { HttpError, unauthenticated } from './errors';
import type { SessionOwner, SessionRecord, SessionRecords } from './sessionRecords';

/**
 * The session store (Redis) did not answer: a token can be neither accepted nor refused, a
 * session neither started nor ended. It answers 503 with `Retry-After` by itself, never a pass.
 */
export class SessionStoreError extends HttpError {
  constructor(options?: { cause?: unknown }) {
    super(503, 'The session store is unavailable; try again shortly.', { 'Retry-After': '5' }, options);
    this.name = 'SessionStoreError';
  }
}

/** Runs a call to the store; its failure is a `SessionStoreError` (503), never a pass. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SessionStoreError({ cause: error });
  }
}

/** 401 `refresh_token_invalid`: an unknown or malformed refresh token, or one of a session that has ended. */
export const invalidRefreshToken = () =>
  unauthenticated('The refresh token is invalid or its session has ended: log in again.', 'refresh_token_invalid');

/** 401 `refresh_token_reused`: a spent refresh token, presented again; its session has just been ended. */
const reusedRefreshToken = () =>
  unauthenticated(
    'This refresh token was already used: its session is ended (every token of it is refused). Log in again.',
    'refresh_token_reused',
  );

/** What a session needs to know of its user. */
export interface SessionUser {
  id: string;
  /** The user's token generation now: the session's tokens carry it. */
  tokenGeneration: number;
}

/** Where a login comes from, as the sessions list shows it. */
export interface SessionClient {
  userAgent: string;
  ip: string;
}

/** The token claims revocation looks at. */
export interface SessionClaims {
  /** User id. */
  sub: string;
  /** Session id. */
  sid: string;
  /** The user's token generation when the token was issued. */
  gen: number;
}

/** Why a token is refused: `revoked` (its session ended, or its generation is past) or `userGone`; undefined when it is not. */
export type Refusal = 'revoked' | 'userGone' | undefined;

/**
 * Whether a token is refused, from its session as stored now and its user as stored now. No time
 * is compared: a token is good while its session exists and belongs to its user, and its
 * generation is the user's.
 */
export function refusalOf(
  claims: SessionClaims,
  session: SessionOwner | undefined,
  user: Pick<SessionUser, 'tokenGeneration'> | undefined,
): Refusal {
  if (!user) return 'userGone';
  if (!session || session.userId !== claims.sub) return 'revoked';
  if (claims.gen !== user.tokenGeneration || session.generation !== claims.gen) return 'revoked';
  return undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/** The stored form of a refresh token's secret: its SHA-256 (the secret is 256 random bits, no salt is needed). */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** A new refresh token of session `sid`: `<sid>.<32 random bytes, base64url>`, and its hash. */
function newRefreshToken(sid: string): { refreshToken: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { refreshToken: `${sid}.${secret}`, hash: hashOf(secret) };
}

/** The session and hash a refresh token names; undefined when it is no refresh token of this API. */
function readRefreshToken(refreshToken: string): { sid: string; hash: string } | undefined {
  const [sid, secret, ...rest] = refreshToken.split('.');
  if (rest.length > 0 || !sid || !secret || !uuidPattern.test(sid) || !secretPattern.test(secret)) return undefined;
  return { sid, hash: hashOf(secret) };
}

/** How often a session's `lastUsedAt` may move: not a write per request. */
export const lastUsedIntervalMs = 60_000;

/** The longest user agent a session keeps. */
const maxUserAgentLength = 512;

/**
 * The sessions — one per login — and the one owner of token revocation. A token is good while its
 * session exists (`refusalOf`); ending sessions is deleting their records, which is atomic, and
 * what cannot be found is refused: nothing depends on clocks, and a lost record never lets a
 * token back in. The user-wide cases (log out everywhere, a password change, a deletion) also move
 * the user's token generation, stored with the user, which the callers do before `endAll`. Every
 * revocation is announced, so sockets on every process follow. Needs no signing key (the CLI uses it).
 */
export class Sessions {
  /**
   * @param records the store
   * @param ttlSeconds how long a session lasts without a refresh (`refresh_token_ttl`)
   * @param events where revocations are announced
   * @param onRevoked told of each revocation announced here (the metrics count them)
   */
  constructor(
    private readonly records: SessionRecords,
    readonly ttlSeconds: number,
    private readonly events: Pick<AccountEvents, 'publish'>,
    private readonly onRevoked: (event: AccountEvent) => void = () => undefined,
  ) {}

  /**
   * Starts a session of `user` at its current token generation.
   * @returns the session id and its first refresh token
   * @throws SessionStoreError when Redis cannot store it
   */
  async create(user: SessionUser, client: SessionClient): Promise<{ sid: string; refreshToken: string }> {
    const sid = randomUUID();
    const { refreshToken, hash } = newRefreshToken(sid);
    await storeCall(() =>
      this.records.create(
        {
          id: sid,
          userId: user.id,
          generation: user.tokenGeneration,
          userAgent: client.userAgent.slice(0, maxUserAgentLength),
          ip: client.ip,
          refreshHash: hash,
        },
        this.ttlSeconds * 1000,
      ),
    );
    return { sid, refreshToken };
  }

  /**
   * The owner of a session, for a request made with one of its tokens (one Redis round trip; marks
   * the session used at most once a minute); undefined when the session has ended.
   * @throws SessionStoreError when Redis cannot tell
   */
  touch(sid: string): Promise<SessionOwner | undefined> {
    return storeCall(() => this.records.touch(sid, lastUsedIntervalMs));
  }

  /**
   * The owners of several sessions in one round trip (undefined for each that has ended).
   * @throws SessionStoreError when Redis cannot tell
   */
  owners(sids: readonly string[]): Promise<(SessionOwner | undefined)[]> {
    return storeCall(() => this.records.owners(sids));
  }

  /**
   * Spends a refresh token for the next one of its session, renewing the session for `ttlSeconds`.
   * A spent one presented again ends its session (it may have been stolen) and is refused.
   * @returns the session, its owner, and the next refresh token
   * @throws HttpError 401 `refresh_token_invalid` or `refresh_token_reused`; SessionStoreError when Redis cannot tell
   */
  async rotate(refreshToken: string): Promise<{ sid: string; owner: SessionOwner; refreshToken: string }> {
    const presented = readRefreshToken(refreshToken);
    if (!presented) throw invalidRefreshToken();
    const next = newRefreshToken(presented.sid);
    const rotation = await storeCall(() =>
      this.records.rotate(presented.sid, presented.hash, next.hash, this.ttlSeconds * 1000),
    );
    if (rotation.outcome === 'reused') {
      await this.announce({ type: 'sessionsEnded', userId: rotation.userId, sids: [presented.sid] });
      throw reusedRefreshToken();
    }
    if (rotation.outcome === 'unknown') throw invalidRefreshToken();
    return { sid: presented.sid, owner: rotation.owner, refreshToken: next.refreshToken };
  }

  /**
   * The sessions of a user of generation `generation` (the others are refused and gone soon),
   * oldest first.
   * @throws SessionStoreError when Redis cannot tell
   */
  async list(userId: string, generation: number): Promise<SessionRecord[]> {
    const sessions = await storeCall(() => this.records.list(userId));
    return sessions
      .filter((session) => session.generation === generation)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  }

  /**
   * Ends one session of a user, and tells every process.
   * @returns false when the user has no such session
   * @throws SessionStoreError when Redis cannot store or announce it
   */
  async end(userId: string, sid: string): Promise<boolean> {
    const ended = await storeCall(() => this.records.remove(userId, [sid]));
    if (ended.length === 0) return false;
    await this.announce({ type: 'sessionsEnded', userId, sids: ended });
    return true;
  }

  /**
   * Ends every session of a user but `keepSid` (log out other devices), and tells every process.
   * @throws SessionStoreError when Redis cannot store or announce it
   */
  async endOthers(userId: string, keepSid: string): Promise<void> {
    const ended = await storeCall(() => this.records.removeAll(userId, keepSid));
    if (ended.length > 0) await this.announce({ type: 'sessionsEnded', userId, sids: ended });
  }

  /**
   * Ends every session of a user whose token generation has just moved on to `generation`, and
   * tells every process (sockets of an earlier generation end).
   * @throws SessionStoreError when Redis cannot store or announce it
   */
  async endAll(userId: string, generation: number): Promise<void> {
    await storeCall(() => this.records.removeAll(userId));
    await this.announce({ type: 'userTokensRevoked', userId, generation });
  }

  /**
   * Ends every session of a deleted user, and tells every process.
   * @throws SessionStoreError when Redis cannot store or announce it
   */
  async endDeleted(userId: string): Promise<void> {
    await storeCall(() => this.records.removeAll(userId));
    await this.announce({ type: 'userDeleted', userId });
  }

  private async announce(event: AccountEvent): Promise<void> {
    this.onRevoked(event);
    await storeCall(() => this.events.publish(event));
  }
}
