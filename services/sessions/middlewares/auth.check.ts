import type { RequestHandler } from 'express';
import { setAuth } from '../../../http/requestAuth';
import { unauthenticated } from '../../../libraries/errors';
import type { JwtManager } from '../../../libraries/jwtManager';

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
    setAuth(res, { userId: claims.sub, claims });
    next();
  };
}
