import type { RequestHandler } from 'express';
import type { DataEnvelope, MessageBody, PublicUser, Session, SessionResponse } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { authOf, requestClient } from '../../http/requestAuth';
import { valid, validate } from '../../http/validate';
import { unauthenticated } from '../../libraries/errors';
import { selfOrAdmin } from '../users/middlewares/users.permission.selfOrAdmin';
import { publicUser } from '../users/users.presenter';
import { userIdParamsSchema, userIdSchema } from '../users/users.schemas';
import type { UsersService } from '../users/users.service';
import { loginValidation } from './middlewares/login.validation';
import { logoutValidation } from './middlewares/logout.validation';
import { refreshValidation } from './middlewares/refresh.validation';
import { tokenInvalidation } from './middlewares/token.invalidation';
import { sessionsDocs } from './sessions.docs';
import { credentialsSchema, logoutQuerySchema, refreshRequestSchema, sessionParamsSchema } from './sessions.schemas';
import type { IssuedSession, SessionsService } from './sessions.service';

const logoutMessages = {
  local: 'Logged out: this session has ended, its tokens are no longer accepted.',
  others: 'Logged out everywhere else: every other session of this user has ended.',
  all: 'Logged out everywhere: every session of this user has ended.',
} as const;

export interface SessionsRouterDependencies {
  users: UsersService;
  sessions: SessionsService;
  /** The authentication middleware (`authCheck`). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  config: Config;
}

/** The answer of a login, a refresh or a password change: the user and the new pair. */
export function sessionAnswer(user: PublicUser, issued: IssuedSession): SessionResponse {
  return { data: user, token: issued.token, refreshToken: issued.refreshToken, expiresIn: issued.expiresIn };
}

/** `/sessions`: log in (a session and its tokens), refresh, who am I, log out (this session, the others, or all). */
export function createSessionsRouter({
  users,
  sessions,
  authenticated,
  rateLimiter,
  config,
}: SessionsRouterDependencies): DocumentedRouter {
  return (
    new DocumentedRouter()
      // 401 alike for an unknown email and a wrong password, in about the same time.
      .post(
        '/',
        sessionsDocs.login,
        rateLimiter.limit('login', 'rate_limit_login'),
        loginValidation,
        async (req, res) => {
          const { email, password } = valid(res, 'body', credentialsSchema);
          // The user is read once: the session carries the token generation of the hash that was checked.
          const user = await users.verifyCredentials(email, password);
          if (!user) throw unauthenticated('The email or the password is wrong.', 'invalid_credentials');
          const issued = await sessions.start(user, requestClient(req));
          res.set('Authorization', `Bearer ${issued.token}`);
          res.json(sessionAnswer(publicUser(user, config), issued));
        },
      )
      .post('/refresh', sessionsDocs.refresh, refreshValidation, async (_req, res) => {
        const { user, ...issued } = await sessions.refresh(valid(res, 'body', refreshRequestSchema).refreshToken);
        res.set('Authorization', `Bearer ${issued.token}`);
        res.json(sessionAnswer(publicUser(user, config), issued));
      })
      .get('/', sessionsDocs.current, authenticated, (_req, res) => {
        res.json({ data: publicUser(authOf(res).user, config) } satisfies DataEnvelope<PublicUser>);
      })
      .delete('/', sessionsDocs.logout, authenticated, logoutValidation, tokenInvalidation(sessions), (_req, res) => {
        res.json({ message: logoutMessages[valid(res, 'query', logoutQuerySchema).scope] } satisfies MessageBody);
      })
  );
}

export interface UserSessionsRouterDependencies {
  users: UsersService;
  sessions: SessionsService;
  /** The authentication middleware (`authCheck`). */
  authenticated: RequestHandler;
}

const listValidation = validate({ params: userIdParamsSchema });
const endValidation = validate({ params: sessionParamsSchema });

/** `/users/:id/sessions`: a user's sessions, listed and ended one by one (the user or an admin). */
export function createUserSessionsRouter({
  users,
  sessions,
  authenticated,
}: UserSessionsRouterDependencies): DocumentedRouter {
  return new DocumentedRouter({ id: userIdSchema })
    .get('/:id/sessions', sessionsDocs.list, authenticated, selfOrAdmin(users), listValidation, async (_req, res) => {
      const { id } = valid(res, 'params', userIdParamsSchema);
      const { claims } = authOf(res);
      const listed = await sessions.list(id, claims.sub === id ? claims.sid : undefined);
      res.json({ data: listed } satisfies DataEnvelope<Session[]>);
    })
    .delete(
      '/:id/sessions/:sessionId',
      sessionsDocs.end,
      authenticated,
      selfOrAdmin(users),
      endValidation,
      async (_req, res) => {
        const { id, sessionId } = valid(res, 'params', sessionParamsSchema);
        await sessions.end(id, sessionId);
        res.status(204).end();
      },
    );
}
