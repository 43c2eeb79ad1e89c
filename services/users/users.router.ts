import type { RequestHandler } from 'express';
import type { DataEnvelope, PublicUser, SessionResponse, UserPage, UserProfile } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { notFound } from '../../libraries/errors';
import { authOf, requestClient } from '../../http/requestAuth';
import type { SessionClient } from '../../libraries/sessions';
import type { StoredUser } from '../../models/users';
import { selfOnly } from './middlewares/users.permission.self';
import { selfOrAdmin } from './middlewares/users.permission.selfOrAdmin';
import { usersDocs } from './users.docs';
import { publicUser, userAsSeenBy, type ImageUrl } from './users.presenter';
import {
  encodeCursor,
  newUserSchema,
  passwordChangeSchema,
  userChangesSchema,
  userIdSchema,
  userListQuerySchema,
} from './users.schemas';
import type { UsersService } from './users.service';

export interface UsersRouterDependencies {
  users: UsersService;
  /** Starts the fresh session a password change answers with (`SessionsService`). */
  sessions: {
    start(user: StoredUser, client: SessionClient): Promise<Omit<SessionResponse, 'data'>>;
  };
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  /** The URL of a user's picture (`PublicUser.image`). */
  imageUrl: ImageUrl;
}

/** `/users`: registration (open), listing, reading, changing and deleting users, changing one's password (authenticated). */
export function createUsersRouter({
  users,
  sessions,
  authenticated,
  rateLimiter,
  imageUrl,
}: UsersRouterDependencies): DocumentedRouter {
  return (
    new DocumentedRouter({ pathParameters: { id: userIdSchema }, authenticate: authenticated })
      .post(
        '/',
        { docs: usersDocs.register, schemas: { body: newUserSchema } },
        rateLimiter.limit('register', 'rate_limit_register'),
        async ({ body }, _req, res) => {
          const user = await users.register(body);
          res.status(201).json({ data: publicUser(user, imageUrl) } satisfies DataEnvelope<PublicUser>);
        },
      )
      .get(
        '/',
        { docs: usersDocs.list, auth: true, schemas: { query: userListQuerySchema } },
        async ({ query: { limit, cursor } }, _req, res) => {
          const page = await users.list(limit, cursor);
          const viewer = authOf(res).user;
          res.json({
            data: page.users.map((user) => userAsSeenBy(user, viewer, imageUrl)),
            next: page.next && encodeCursor(page.next),
          } satisfies UserPage);
        },
      )
      .get('/:id', { docs: usersDocs.get, auth: true }, async ({ params }, _req, res) => {
        const user = await users.getById(params.id);
        if (!user) throw notFound('No user with this id.');
        res.json({ data: userAsSeenBy(user, authOf(res).user, imageUrl) } satisfies DataEnvelope<
          PublicUser | UserProfile
        >);
      })
      .put(
        '/:id',
        { docs: usersDocs.update, auth: true, schemas: { body: userChangesSchema } },
        selfOrAdmin(users),
        async ({ params, body }, _req, res) => {
          const user = await users.update(params.id, body);
          res.json({ data: publicUser(user, imageUrl) } satisfies DataEnvelope<PublicUser>);
        },
      )
      // Counted with the logins: both let a client try passwords.
      .put(
        '/:id/password',
        { docs: usersDocs.changePassword, auth: true, schemas: { body: passwordChangeSchema } },
        rateLimiter.limit('login', 'rate_limit_login'),
        selfOnly,
        async ({ body }, req, res) => {
          // Checked against the user as the caller's token was: of two concurrent changes, one wins, the other is a 409.
          const user = await users.changePassword(authOf(res).user, body);
          const { token, refreshToken, expiresIn } = await sessions.start(user, requestClient(req));
          res.set('Authorization', `Bearer ${token}`);
          res.json({ data: publicUser(user, imageUrl), token, refreshToken, expiresIn } satisfies SessionResponse);
        },
      )
      .delete('/:id', { docs: usersDocs.remove, auth: true }, selfOrAdmin(users), async ({ params }, _req, res) => {
        await users.remove(params.id);
        res.status(204).end();
      })
  );
}
