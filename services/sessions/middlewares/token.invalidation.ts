import type { LogoutScope } from '../../../client/types';
import { withInput, type InputMiddleware } from '../../../http/openapi';
import type { TokenRevocations } from '../../../libraries/tokenRevocations';
import { authOf } from '../../../http/requestAuth';

/**
 * Revokes the request's token (`DELETE /sessions`, scope `local`), the user's other tokens
 * (`others`) or all of them (`all`), until they would have expired. 503 when Redis cannot store
 * the revocation. Runs after `authCheck` and the query's validation.
 */
export function tokenInvalidation(revocations: TokenRevocations): InputMiddleware<{ query: { scope: LogoutScope } }> {
  return withInput(async ({ query: { scope } }, _req, res, next) => {
    const { claims, userId } = authOf(res);
    if (scope === 'local') await revocations.revoke(claims);
    else await revocations.revokeUserTokens(userId, scope === 'others' ? claims.jti : undefined);
    next();
  });
}
