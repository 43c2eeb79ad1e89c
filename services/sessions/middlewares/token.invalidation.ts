import type { RequestHandler } from 'express';
import type { JwtManager } from '../../../libraries/jwtManager';
import { authOf } from '../../../http/requestAuth';

/**
 * Revokes the request's token (`DELETE /sessions`) until it would have expired; the user's other
 * tokens stay valid. 503 when Redis cannot store the revocation. Runs after `authCheck`.
 */
export function tokenInvalidation(tokens: JwtManager): RequestHandler {
  return async (_req, res, next) => {
    await tokens.revoke(authOf(res).claims);
    next();
  };
}
