import type { RequestHandler } from 'express';
import { dependency } from '../../../libraries/dependencies';
import { authOf } from './auth.check';

/**
 * Revokes the request's token (`DELETE /sessions`) until it would have expired; the user's other
 * tokens stay valid. 503 when Redis cannot store the revocation. Runs after `authCheck`.
 */
export const tokenInvalidation: RequestHandler = async (req, res, next) => {
  await dependency(req.app, 'jwtManager').revoke(authOf(res).claims);
  next();
};
