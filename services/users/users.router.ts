import type { RequestHandler } from 'express';
import type { DataEnvelope, PublicUser, SessionResponse, UserPage } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { valid } from '../../http/validate';
import { notFound } from '../../libraries/errors';
import { authOf, requestClient } from '../../http/requestAuth';
import type { SessionClient } from '../../libraries/sessions';
import type { StoredUser } from '../../models/users';
import { selfOnly } from './middlewares/users.permission.self';
import { selfOrAdmin } from './middlewares/users.permission.selfOrAdmin';
import { userListValidation } from './middlewares/users.validation.list';
import { newUserValidation } from './middlewares/users.validation.new';
import { passwordChangeValidation } from './middlewares/users.validation.password';
import { userChangesValidation } from './middlewares/users.validation.update';
import { usersDocs } from './users.docs';
import { publicUser } from './users.presenter';
import {
  encodeCursor,
  newUserSchema,
  passwordChangeSchema,
  userChangesSchema,
  userIdParamsSchema,
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
  config: Config;
}

/** `/users`: registration (open), listing, reading, changing and deleting users, changing one's password (authenticated). */
export function createUsersRouter({
  users,
  sessions,
  authenticated,
  rateLimiter,
  config,
}: UsersRouterDependencies): DocumentedRouter {
  return (
    new DocumentedRouter({ id: userIdSchema })
      .post(
        '/',
        usersDocs.register,
        rateLimiter.limit('register', 'rate_limit_register'),
        newUserValidation,
        async (_req, res) => {
          const user = await users.register(valid(res, 'body', newUserSchema));
          res.status(201).json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
        },
      )
      .get('/', usersDocs.list, authenticated, userListValidation, async (_req, res) => {
        const { limit, cursor } = valid(res, 'query', userListQuerySchema);
        const page = await users.list(limit, cursor);
        res.json({
          data: page.users.map((user) => publicUser(user, config)),
          next: page.next && encodeCursor(page.next),
        } satisfies UserPage);
      })
      .get('/:id', usersDocs.get, authenticated, async (req, res) => {
        const user = await users.getById(String(req.params.id));
        if (!user) throw notFound('No user with this id.');
        res.json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
      })
      .put('/:id', usersDocs.update, authenticated, selfOrAdmin(users), userChangesValidation, async (_req, res) => {
        const { id } = valid(res, 'params', userIdParamsSchema);
        const user = await users.update(id, valid(res, 'body', userChangesSchema));
        res.json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
      })
      // Counted with the logins: both let a client try passwords.
      .put(
        '/:id/password',
        usersDocs.changePassword,
        authenticated,
        rateLimiter.limit('login', 'rate_limit_login'),
        selfOnly,
        passwordChangeValidation,
        async (req, res) => {
          // Checked against the user as the caller's token was: of two concurrent changes, one wins, the other is a 409.
          const user = await users.changePassword(authOf(res).user, valid(res, 'body', passwordChangeSchema));
          const { token, refreshToken, expiresIn } = await sessions.start(user, requestClient(req));
          res.set('Authorization', `Bearer ${token}`);
          res.json({ data: publicUser(user, config), token, refreshToken, expiresIn } satisfies SessionResponse);
        },
      )
      .delete('/:id', usersDocs.remove, authenticated, selfOrAdmin(users), async (req, res) => {
        await users.remove(String(req.params.id));
        res.status(204).end();
      })
  );
}
