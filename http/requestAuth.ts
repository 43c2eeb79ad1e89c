import type { Request, Response } from 'express';
import type { TokenClaims } from '../libraries/jwtManager';
import type { StoredUser } from '../models/users';

/** Who made an authenticated request, as the authentication middleware established it. */
export interface RequestAuth {
  userId: string;
  claims: TokenClaims;
  /** The caller as the database says now (read once, by the authentication). */
  user: StoredUser;
}

/** Records the request's authentication for the middlewares and handler after it. */
export function setAuth(res: Response, auth: RequestAuth): void {
  res.locals.auth = auth;
}

/**
 * The authentication of a request that went through the authentication middleware (`authCheck`).
 * @throws Error when it did not run before (a programming error)
 */
export function authOf(res: Response): RequestAuth {
  const auth = res.locals.auth as RequestAuth | undefined;
  if (!auth) throw new Error('authOf() called on a route without authCheck.');
  return auth;
}

/** Where a request comes from, as a session started by it records it: its `User-Agent` and client address. */
export function requestClient(req: Request): { userAgent: string; ip: string } {
  return { userAgent: req.get('user-agent') ?? '', ip: req.ip ?? req.socket.remoteAddress ?? '' };
}
