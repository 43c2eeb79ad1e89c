import type { RequestHandler } from 'express';
import type { DataEnvelope, PublicUser, UserPage } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import { valid } from '../../http/validate';
import { notFound } from '../../libraries/errors';
import { selfOrAdmin } from './middlewares/users.permission.selfOrAdmin';
import { userListValidation } from './middlewares/users.validation.list';
import { newUserValidation } from './middlewares/users.validation.new';
import { userChangesValidation } from './middlewares/users.validation.update';
import { usersDocs } from './users.docs';
import { publicUser } from './users.presenter';
import { encodeCursor, newUserSchema, userChangesSchema, userIdParamsSchema, userIdSchema, userListQuerySchema } from './users.schemas';
import type { UsersService } from './users.service';

export interface UsersRouterDependencies {
  users: UsersService;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  config: Config;
}

/** `/users`: registration (open), listing, reading and changing users (authenticated). */
export function createUsersRouter({ users, authenticated, rateLimiter, config }: UsersRouterDependencies): DocumentedRouter {
  return new DocumentedRouter({ id: userIdSchema })
    .post('/', usersDocs.register, rateLimiter.limit('register', 'rate_limit_register'), newUserValidation, async (_req, res) => {
      const user = await users.register(valid(res, 'body', newUserSchema));
      res.status(201).json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
    })
    .get('/', usersDocs.list, authenticated, userListValidation, async (_req, res) => {
      const { limit, cursor } = valid(res, 'query', userListQuerySchema);
      const page = await users.list(limit, cursor);
      res.json({ data: page.users.map((user) => publicUser(user, config)), next: page.next && encodeCursor(page.next) } satisfies UserPage);
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
    });
}
