import type { RequestHandler } from 'express';
import type { TokenRevocations } from '../../../libraries/tokenRevocations';
import { authOf } from '../../../http/requestAuth';
import { valid } from '../../../http/validate';
import { logoutQuerySchema } from '../sessions.schemas';

/**
 * Revokes the request's token (`DELETE /sessions`, scope `local`), the user's other tokens
 * (`others`) or all of them (`all`), until they would have expired. 503 when Redis cannot store
 * the revocation. Runs after `authCheck` and the query's validation.
 */
export function tokenInvalidation(revocations: TokenRevocations): RequestHandler {
  return async (_req, res, next) => {
    const { claims, userId } = authOf(res);
    const { scope } = valid(res, 'query', logoutQuerySchema);
    if (scope === 'local') await revocations.revoke(claims);
    else await revocations.revokeUserTokens(userId, scope === 'others' ? claims.jti : undefined);
    next();
  };
}
