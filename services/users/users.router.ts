import type { RequestHandler } from 'express';
import type { DataEnvelope, PublicUser, SessionResponse, UserPage, UserProfile } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { authOf } from '../../http/requestAuth';
import { valid } from '../../http/validate';
import { notFound } from '../../libraries/errors';
import type { JwtManager } from '../../libraries/jwtManager';
import { selfOnly } from './middlewares/users.permission.self';
import { selfOrAdmin } from './middlewares/users.permission.selfOrAdmin';
import { userListValidation } from './middlewares/users.validation.list';
import { newUserValidation } from './middlewares/users.validation.new';
import { passwordChangeValidation } from './middlewares/users.validation.password';
import { userChangesValidation } from './middlewares/users.validation.update';
import { usersDocs } from './users.docs';
import { publicUser, userAsSeenBy } from './users.presenter';
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
  /** Signs the fresh token of a password change. */
  tokens: JwtManager;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  config: Config;
}

/** `/users`: registration (open), listing, reading, changing and deleting users, changing one's password (authenticated). */
export function createUsersRouter({
  users,
  tokens,
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
        const viewer = authOf(res).user;
        res.json({
          data: page.users.map((user) => userAsSeenBy(user, viewer, config)),
          next: page.next && encodeCursor(page.next),
        } satisfies UserPage);
      })
      .get('/:id', usersDocs.get, authenticated, async (req, res) => {
        const user = await users.getById(String(req.params.id));
        if (!user) throw notFound('No user with this id.');
        res.json({ data: userAsSeenBy(user, authOf(res).user, config) } satisfies DataEnvelope<
          PublicUser | UserProfile
        >);
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
        async (_req, res) => {
          const { id } = valid(res, 'params', userIdParamsSchema);
          const fresh = tokens.create(id);
          const user = await users.changePassword(id, valid(res, 'body', passwordChangeSchema), fresh.claims.jti);
          res.set('Authorization', `Bearer ${fresh.token}`);
          res.json({ data: publicUser(user, config), token: fresh.token } satisfies SessionResponse);
        },
      )
      .delete('/:id', usersDocs.remove, authenticated, selfOrAdmin(users), async (req, res) => {
        await users.remove(String(req.params.id));
        res.status(204).end();
      })
  );
}
