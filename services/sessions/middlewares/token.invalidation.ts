import type { RequestHandler } from 'express';
import { authOf } from '../../../http/requestAuth';
import { valid } from '../../../http/validate';
import { logoutQuerySchema } from '../sessions.schemas';
import type { SessionsService } from '../sessions.service';

/**
 * Ends the request's session (`DELETE /sessions`, scope `local`), the user's other sessions
 * (`others`) or all of them (`all`): their access and refresh tokens are refused and their sockets
 * end. 503 when the session store cannot store it. Runs after `authCheck` and the query's validation.
 */
export function tokenInvalidation(sessions: Pick<SessionsService, 'logout'>): RequestHandler {
  return async (_req, res, next) => {
    await sessions.logout(authOf(res).claims, valid(res, 'query', logoutQuerySchema).scope);
    next();
  };
}
