import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { DataEnvelope, MessageBody, PublicUser, Session, SessionResponse } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { authOf, requestClient } from '../../http/requestAuth';
import { unauthenticated } from '../../libraries/errors';
import { selfOrAdmin } from '../users/middlewares/users.permission.selfOrAdmin';
import { publicUser, type ImageUrl } from '../users/users.presenter';
import { userIdSchema } from '../users/users.schemas';
import type { UsersService } from '../users/users.service';
import { tokenInvalidation } from './middlewares/token.invalidation';
import { sessionsDocs } from './sessions.docs';
import { credentialsSchema, logoutQuerySchema, refreshRequestSchema } from './sessions.schemas';
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
  imageUrl: ImageUrl;
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
  imageUrl,
}: SessionsRouterDependencies): DocumentedRouter {
  return (
    new DocumentedRouter({ authenticate: authenticated })
      // 401 alike for an unknown email and a wrong password, in about the same time.
      .post(
        '/',
        { docs: sessionsDocs.login, schemas: { body: credentialsSchema } },
        rateLimiter.limit('login', 'rate_limit_login'),
        async ({ body: { email, password } }, req, res) => {
          // The user is read once: the session carries the token generation of the hash that was checked.
          const user = await users.verifyCredentials(email, password);
          if (!user) throw unauthenticated('The email or the password is wrong.', 'invalid_credentials');
          const issued = await sessions.start(user, requestClient(req));
          res.set('Authorization', `Bearer ${issued.token}`);
          res.json(sessionAnswer(publicUser(user, imageUrl), issued));
        },
      )
      .post(
        '/refresh',
        { docs: sessionsDocs.refresh, schemas: { body: refreshRequestSchema } },
        async ({ body }, _req, res) => {
          const { user, ...issued } = await sessions.refresh(body.refreshToken);
          res.set('Authorization', `Bearer ${issued.token}`);
          res.json(sessionAnswer(publicUser(user, imageUrl), issued));
        },
      )
      .get('/', { docs: sessionsDocs.current, auth: true }, (_input, _req, res) => {
        res.json({ data: publicUser(authOf(res).user, imageUrl) } satisfies DataEnvelope<PublicUser>);
      })
      .delete(
        '/',
        { docs: sessionsDocs.logout, auth: true, schemas: { query: logoutQuerySchema } },
        tokenInvalidation(sessions),
        ({ query }, _req, res) => {
          res.json({ message: logoutMessages[query.scope] } satisfies MessageBody);
        },
      )
  );
}

export interface UserSessionsRouterDependencies {
  users: UsersService;
  sessions: SessionsService;
  /** The authentication middleware (`authCheck`). */
  authenticated: RequestHandler;
}

/** The id of a listed session: another form is simply not found. */
const sessionIdSchema = z
  .string()
  .max(100, 'must be at most 100 characters.')
  .meta({ description: 'The session id (`id` of a listed session).' });

/** `/users/:id/sessions`: a user's sessions, listed and ended one by one (the user or an admin). */
export function createUserSessionsRouter({
  users,
  sessions,
  authenticated,
}: UserSessionsRouterDependencies): DocumentedRouter {
  return new DocumentedRouter({
    pathParameters: { id: userIdSchema, sessionId: sessionIdSchema },
    authenticate: authenticated,
  })
    .get(
      '/:id/sessions',
      { docs: sessionsDocs.list, auth: true },
      selfOrAdmin(users),
      async ({ params: { id } }, _req, res) => {
        const { claims } = authOf(res);
        const listed = await sessions.list(id, claims.sub === id ? claims.sid : undefined);
        res.json({ data: listed } satisfies DataEnvelope<Session[]>);
      },
    )
    .delete(
      '/:id/sessions/:sessionId',
      { docs: sessionsDocs.end, auth: true },
      selfOrAdmin(users),
      async ({ params: { id, sessionId } }, _req, res) => {
        await sessions.end(id, sessionId);
        res.status(204).end();
      },
    );
}
