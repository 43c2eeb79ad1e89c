import type { DataEnvelope, MessageBody, PublicUser, SessionResponse } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RequestHandler } from 'express';
import type { RateLimiter } from '../../http/rateLimit';
import { valid } from '../../http/validate';
import { unauthenticated } from '../../libraries/errors';
import type { JwtManager } from '../../libraries/jwtManager';
import { publicUser, type ImageUrl } from '../users/users.presenter';
import type { UsersService } from '../users/users.service';
import { sessionsDocs } from './sessions.docs';
import { credentialsSchema, logoutQuerySchema } from './sessions.schemas';
import { authOf } from '../../http/requestAuth';
import { loginValidation } from './middlewares/login.validation';
import { logoutValidation } from './middlewares/logout.validation';
import { tokenInvalidation } from './middlewares/token.invalidation';

const logoutMessages = {
  local: 'Logged out: this token is no longer accepted.',
  others: 'Logged out everywhere else: every other token of this user is refused.',
  all: 'Logged out everywhere: every token of this user is refused.',
} as const;

export interface SessionsRouterDependencies {
  users: UsersService;
  tokens: JwtManager;
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
  authenticated,
  rateLimiter,
  imageUrl,
}: SessionsRouterDependencies): DocumentedRouter {
  // 401 alike for an unknown email and a wrong password, in about the same time.
  return new DocumentedRouter()
    .post(
      '/',
      sessionsDocs.login,
      rateLimiter.limit('login', 'rate_limit_login'),
      loginValidation,
      async (_req, res) => {
        const { email, password } = valid(res, 'body', credentialsSchema);
        const user = await users.verifyCredentials(email, password);
        if (!user) throw unauthenticated('The email or the password is wrong.');
        const { token } = tokens.create(user.id);
        res.set('Authorization', `Bearer ${token}`);
        res.json({ data: publicUser(user, imageUrl), token } satisfies SessionResponse);
      },
    )
    .get('/', sessionsDocs.current, authenticated, (_req, res) => {
      res.json({ data: publicUser(authOf(res).user, imageUrl) } satisfies DataEnvelope<PublicUser>);
    })
    .delete('/', sessionsDocs.logout, authenticated, logoutValidation, tokenInvalidation(tokens), (_req, res) => {
      res.json({ message: logoutMessages[valid(res, 'query', logoutQuerySchema).scope] } satisfies MessageBody);
    });
}
