import type { RequestHandler, Response } from 'express';
import { unauthenticated } from '../../../libraries/errors';
import type { JwtManager, TokenClaims } from '../../../libraries/jwtManager';

/** Who made an authenticated request, as `authCheck` established it. */
export interface RequestAuth {
  userId: string;
  claims: TokenClaims;
}

const bearer = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i;

/**
 * Lets a request through only with a valid token in `Authorization: Bearer <token>`:
 * 401 without one (or another scheme), 403 when it is bad, expired or revoked, 503 when the
 * revocation store cannot tell.
 */
export function authCheck(tokens: JwtManager): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return next(unauthenticated('Authentication is required: send Authorization: Bearer <token>.'));
    const token = bearer.exec(header)?.[1];
    if (!token) return next(unauthenticated('The Authorization header must be "Bearer <token>".'));
    // A refused token (403) or an unavailable store (503) carries its answer to the error handler.
    const claims = await tokens.verify(token);
    res.locals.auth = { userId: claims.sub, claims } satisfies RequestAuth;
    next();
  };
}

/**
 * The authentication of a request that went through `authCheck`.
 * @throws Error when `authCheck` did not run before (a programming error)
 */
export function authOf(res: Response): RequestAuth {
  const auth = res.locals.auth as RequestAuth | undefined;
  if (!auth) throw new Error('authOf() called on a route without authCheck.');
  return auth;
}
