import type { LogoutScope, Session } from '../../client/types';
import { notFound } from '../../libraries/errors';
import { type JwtManager, type TokenClaims, TokenError } from '../../libraries/jwtManager';
import {
  invalidRefreshToken,
  type Refusal,
  refusalOf,
  type SessionClient,
  type Sessions,
} from '../../libraries/sessions';
import type { StoredUser } from '../../models/users';
import type { UsersService } from '../users/users.service';

/** A new pair of tokens of one session, as the API answers it. */
export interface IssuedSession {
  /** The access token. */
  token: string;
  refreshToken: string;
  /** Seconds the access token lasts. */
  expiresIn: number;
  claims: TokenClaims;
}

/** Whether a socket's token still holds, and its user as stored now. */
export interface Verdict {
  refusal: Refusal;
  user: StoredUser | undefined;
}

/** How many users a re-check of every socket reads from DynamoDB at once. */
const userReadsAtOnce = 16;

/** The tokens a refusal answers with. */
function refused(refusal: Exclude<Refusal, undefined>): TokenError {
  return refusal === 'userGone'
    ? new TokenError('revoked', 'The user of this token no longer exists.')
    : new TokenError('revoked', 'The token has been revoked.');
}

/**
 * The session operations shared by the routes and the socket handlers: log in (a session and its
 * tokens), refresh, authenticate a token, list and end sessions, log out. Passwords are the users
 * service's; sessions and their revocation are `Sessions`'.
 */
export class SessionsService {
  constructor(
    private readonly sessions: Sessions,
    private readonly tokens: JwtManager,
    private readonly users: Pick<UsersService, 'getById' | 'revokeAllTokens'>,
  ) {}

  /**
   * Starts a session of `user` (as read by the login or the password change that starts it: its
   * token generation is the one the tokens carry), and signs its access token.
   * @throws SessionStoreError when Redis cannot store it
   */
  async start(user: StoredUser, client: SessionClient): Promise<IssuedSession> {
    const { sid, refreshToken } = await this.sessions.create(user, client);
    return this.issue(user, sid, refreshToken);
  }

  /**
   * Trades a refresh token for a new pair of its session (the old refresh token is spent).
   * @throws HttpError 401 `refresh_token_invalid` (also when the user is gone or its token
   * generation moved on: that session is ended) or `refresh_token_reused`; 503 when Redis cannot tell
   */
  async refresh(refreshToken: string): Promise<IssuedSession & { user: StoredUser }> {
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.getById(rotated.owner.userId);
    if (!user || user.tokenGeneration !== rotated.owner.generation) {
      // A session of a deleted user, or begun by a login that raced a password change: over for good.
      await this.sessions.end(rotated.owner.userId, rotated.sid);
      throw invalidRefreshToken();
    }
    return { ...this.issue(user, rotated.sid, rotated.refreshToken), user };
  }

  /**
   * Verifies an access token completely: signature, expiry, issue time, its session (one Redis
   * round trip) and its user's token generation (the user is read alongside).
   * @returns the claims and the user as stored now
   * @throws TokenError when it is refused; SessionStoreError when Redis cannot tell
   */
  async authenticate(token: string): Promise<{ claims: TokenClaims; user: StoredUser }> {
    const claims = this.tokens.decode(token);
    const [session, user] = await Promise.all([this.sessions.touch(claims.sid), this.users.getById(claims.sub)]);
    const refusal = refusalOf(claims, session, user);
    if (refusal) throw refused(refusal);
    return { claims, user: user! };
  }

  /**
   * Checks again tokens already verified (the sockets of a process after its subscription came
   * back): one Redis round trip for all the sessions, one read per distinct user.
   * @throws SessionStoreError when Redis cannot tell
   */
  async verdicts(claims: readonly TokenClaims[]): Promise<Verdict[]> {
    const owners = await this.sessions.owners(claims.map((claim) => claim.sid));
    const userIds = [...new Set(claims.map((claim) => claim.sub))];
    const users = new Map<string, StoredUser | undefined>();
    for (let start = 0; start < userIds.length; start += userReadsAtOnce) {
      const batch = userIds.slice(start, start + userReadsAtOnce);
      const read = await Promise.all(batch.map((id) => this.users.getById(id)));
      batch.forEach((id, index) => users.set(id, read[index]));
    }
    return claims.map((claim, index) => {
      const user = users.get(claim.sub);
      return { refusal: refusalOf(claim, owners[index], user), user };
    });
  }

  /**
   * The sessions of a user, `currentSid`'s marked current.
   * @throws HttpError 404 for an unknown user; 503 when Redis cannot tell
   */
  async list(userId: string, currentSid?: string): Promise<Session[]> {
    const user = await this.users.getById(userId);
    if (!user) throw notFound('No user with this id.');
    const sessions = await this.sessions.list(userId, user.tokenGeneration);
    return sessions.map((session) => ({
      id: session.id,
      createdAt: new Date(session.createdAtMs).toISOString(),
      lastUsedAt: new Date(session.lastUsedAtMs).toISOString(),
      userAgent: session.userAgent,
      ip: session.ip,
      current: session.id === currentSid,
    }));
  }

  /**
   * Ends one session of a user: its tokens are refused, its sockets end on every process.
   * @throws HttpError 404 when the user has no such session; 503 when Redis cannot store it
   */
  async end(userId: string, sid: string): Promise<void> {
    if (!(await this.sessions.end(userId, sid))) throw notFound('No session with this id.');
  }

  /**
   * Logs out the session of `claims` (`local`), the user's other sessions (`others`), or every
   * session of the user (`all`: the token generation moves on).
   * @throws HttpError 503 when the session store is unavailable
   */
  async logout(claims: TokenClaims, scope: LogoutScope): Promise<void> {
    if (scope === 'local') await this.sessions.end(claims.sub, claims.sid);
    else if (scope === 'others') await this.sessions.endOthers(claims.sub, claims.sid);
    else await this.users.revokeAllTokens(claims.sub);
  }

  private issue(user: StoredUser, sid: string, refreshToken: string): IssuedSession {
    const { token, claims } = this.tokens.sign({ sub: user.id, sid, gen: user.tokenGeneration });
    return { token, refreshToken, expiresIn: this.tokens.ttlSeconds, claims };
  }
}
