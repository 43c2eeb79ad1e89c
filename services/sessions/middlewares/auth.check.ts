import type { RequestHandler } from 'express';
import { setAuth } from '../../../http/requestAuth';
import { unauthenticated } from '../../../libraries/errors';
import { TokenError, type JwtManager } from '../../../libraries/jwtManager';
import type { UsersService } from '../../users/users.service';

const bearer = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i;

/**
 * Lets a request through only with a valid token of an existing user in `Authorization: Bearer
 * <token>`: 401 without one (or another scheme), 403 when it is bad, expired or revoked or its user
 * no longer exists (however it was removed), 503 when the revocation store cannot tell. The user
 * it reads is handed to the routes, which then need not read the caller again.
 */
export function authCheck(tokens: JwtManager, users: UsersService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) return next(unauthenticated('Authentication is required: send Authorization: Bearer <token>.'));
    const token = bearer.exec(header)?.[1];
    if (!token) return next(unauthenticated('The Authorization header must be "Bearer <token>".'));
    // A refused token (403) or an unavailable store (503) carries its answer to the error handler.
    const claims = await tokens.verify(token);
    const user = await users.getById(claims.sub);
    if (!user) throw new TokenError('revoked', 'The user of this token no longer exists.');
    setAuth(res, { userId: claims.sub, claims, user });
    next();
  };
}
