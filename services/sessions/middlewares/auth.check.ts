import type { RequestHandler } from 'express';
import { setAuth } from '../../../http/requestAuth';
import { unauthenticated } from '../../../libraries/errors';
import type { SessionsService } from '../sessions.service';

const bearer = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i;

/**
 * Lets a request through only with a valid token of an existing user in `Authorization: Bearer
 * <token>`: 401 without one (or another scheme), 403 when it is bad, expired or revoked (its session
 * ended, its generation past) or its user no longer exists (however it was removed), 503 when the
 * session store cannot tell. The user it reads is handed to the routes, which then need not read
 * the caller again.
 */
export function authCheck(sessions: Pick<SessionsService, 'authenticate'>): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return next(unauthenticated('Authentication is required: send Authorization: Bearer <token>.'));
    const token = bearer.exec(header)?.[1];
    if (!token) return next(unauthenticated('The Authorization header must be "Bearer <token>".'));
    // A refused token (403) or an unavailable store (503) carries its answer to the error handler.
    const { claims, user } = await sessions.authenticate(token);
    setAuth(res, { userId: claims.sub, claims, user });
    next();
  };
}
