import type { DataEnvelope, MessageBody, PublicUser, SessionResponse } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RequestHandler } from 'express';
import type { RateLimiter } from '../../http/rateLimit';
import { unauthenticated } from '../../libraries/errors';
import type { JwtManager } from '../../libraries/jwtManager';
import type { TokenRevocations } from '../../libraries/tokenRevocations';
import { publicUser, type ImageUrl } from '../users/users.presenter';
import type { UsersService } from '../users/users.service';
import { sessionsDocs } from './sessions.docs';
import { credentialsSchema, logoutQuerySchema } from './sessions.schemas';
import { authOf } from '../../http/requestAuth';
import { tokenInvalidation } from './middlewares/token.invalidation';

const logoutMessages = {
  local: 'Logged out: this token is no longer accepted.',
  others: 'Logged out everywhere else: every other token of this user is refused.',
  all: 'Logged out everywhere: every token of this user is refused.',
} as const;

export interface SessionsRouterDependencies {
  users: UsersService;
  tokens: JwtManager;
  /** Where logouts revoke tokens. */
  revocations: TokenRevocations;
  /** The authentication middleware (`authCheck`). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  /** The URL of a user's picture (`PublicUser.image`). */
  imageUrl: ImageUrl;
}

/** `/sessions`: log in (a token), who am I, log out (this token, the user's other tokens, or all). */
export function createSessionsRouter({
  users,
  tokens,
  revocations,
  authenticated,
  rateLimiter,
  imageUrl,
}: SessionsRouterDependencies): DocumentedRouter {
  // 401 alike for an unknown email and a wrong password, in about the same time.
  return new DocumentedRouter({ authenticate: authenticated })
    .post(
      '/',
      { docs: sessionsDocs.login, schemas: { body: credentialsSchema } },
      rateLimiter.limit('login', 'rate_limit_login'),
      async ({ body: { email, password } }, _req, res) => {
        const user = await users.verifyCredentials(email, password);
        if (!user) throw unauthenticated('The email or the password is wrong.', 'invalid_credentials');
        const { token } = tokens.create(user.id);
        res.set('Authorization', `Bearer ${token}`);
        res.json({ data: publicUser(user, imageUrl), token } satisfies SessionResponse);
      },
    )
    .get('/', { docs: sessionsDocs.current, auth: true }, (_input, _req, res) => {
      res.json({ data: publicUser(authOf(res).user, imageUrl) } satisfies DataEnvelope<PublicUser>);
    })
    .delete(
      '/',
      { docs: sessionsDocs.logout, auth: true, schemas: { query: logoutQuerySchema } },
      tokenInvalidation(revocations),
      ({ query }, _req, res) => {
        res.json({ message: logoutMessages[query.scope] } satisfies MessageBody);
      },
    );
}
