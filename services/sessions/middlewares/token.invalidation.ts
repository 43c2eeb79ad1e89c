import type { LogoutScope } from '../../../client/types';
import { withInput, type InputMiddleware } from '../../../http/openapi';
import { authOf } from '../../../http/requestAuth';
import type { SessionsService } from '../sessions.service';

/**
 * Ends the request's session (`DELETE /sessions`, scope `local`), the user's other sessions
 * (`others`) or all of them (`all`): their access and refresh tokens are refused and their sockets
 * end. 503 when the session store cannot store it. Runs after `authCheck` and the query's validation.
 */
export function tokenInvalidation(
  sessions: Pick<SessionsService, 'logout'>,
): InputMiddleware<{ query: { scope: LogoutScope } }> {
  return withInput(async ({ query: { scope } }, _req, res, next) => {
    await sessions.logout(authOf(res).claims, scope);
    next();
  });
}
