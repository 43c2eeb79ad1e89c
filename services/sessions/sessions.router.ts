import type { DataEnvelope, MessageBody, PublicUser, SessionResponse } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { valid } from '../../http/validate';
import { notFound, unauthenticated } from '../../libraries/errors';
import type { JwtManager } from '../../libraries/jwtManager';
import { publicUser } from '../users/users.presenter';
import type { UsersService } from '../users/users.service';
import { sessionsDocs } from './sessions.docs';
import { credentialsSchema } from './sessions.schemas';
import { authOf } from '../../http/requestAuth';
import { authCheck } from './middlewares/auth.check';
import { loginValidation } from './middlewares/login.validation';
import { tokenInvalidation } from './middlewares/token.invalidation';

export interface SessionsRouterDependencies {
  users: UsersService;
  tokens: JwtManager;
  rateLimiter: RateLimiter;
  config: Config;
}

/** `/sessions`: log in (a token), who am I, log out (the token is revoked). */
export function createSessionsRouter({ users, tokens, rateLimiter, config }: SessionsRouterDependencies): DocumentedRouter {
  const authenticated = authCheck(tokens);

  // 401 alike for an unknown email and a wrong password, in about the same time.
  return new DocumentedRouter()
    .post('/', sessionsDocs.login, rateLimiter.limit('login', 'rate_limit_login'), loginValidation, async (_req, res) => {
      const { email, password } = valid(res, 'body', credentialsSchema);
      const user = await users.verifyCredentials(email, password);
      if (!user) throw unauthenticated('The email or the password is wrong.');
      const { token } = tokens.create(user.id);
      res.set('Authorization', `Bearer ${token}`);
      res.json({ data: publicUser(user, config), token } satisfies SessionResponse);
    })
    .get('/', sessionsDocs.current, authenticated, async (_req, res) => {
      const user = await users.getById(authOf(res).userId);
      if (!user) throw notFound('The user of this token no longer exists.');
      res.json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
    })
    .delete('/', sessionsDocs.logout, authenticated, tokenInvalidation(tokens), (_req, res) => {
      res.json({ message: 'Logged out: this token is no longer accepted.' } satisfies MessageBody);
    });
}
