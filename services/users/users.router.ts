import { Router } from 'express';
import type { DataEnvelope, PublicUser, UserPage } from '../../client/types';
import { dependency } from '../../libraries/dependencies';
import { notFound } from '../../libraries/errors';
import { docs } from '../../libraries/openapi';
import { rateLimit } from '../../libraries/rateLimit';
import { valid } from '../../libraries/validate';
import { authCheck } from '../sessions/middlewares/auth.check';
import { passwordHash, passwordHashOf } from './middlewares/users.password.hash';
import { selfOrAdmin } from './middlewares/users.permission.selfOrAdmin';
import { userListValidation } from './middlewares/users.validation.list';
import { newUserValidation } from './middlewares/users.validation.new';
import { userChangesValidation } from './middlewares/users.validation.update';
import { usersDocs } from './users.docs';
import { publicUser } from './users.presenter';
import { encodeCursor, newUserSchema, userChangesSchema, userIdParamsSchema, userListQuerySchema } from './users.schemas';

const registerRateLimit = rateLimit({ name: 'register', limitKey: 'rate_limit_register' });

/** `/users`: registration (open), listing, reading and changing users (authenticated). */
export function createUsersRouter(): Router {
  const router = Router();

  router.post('/', docs(usersDocs.register), registerRateLimit, newUserValidation, passwordHash, async (req, res) => {
    const { email, username } = valid(res, 'body', newUserSchema);
    const user = await dependency(req.app, 'usersStore').create({ email, username, passwordHash: passwordHashOf(res) });
    res.status(201).json({ data: publicUser(user, dependency(req.app, 'config')) } satisfies DataEnvelope<PublicUser>);
  });

  router.get('/', docs(usersDocs.list), authCheck, userListValidation, async (req, res) => {
    const { limit, cursor } = valid(res, 'query', userListQuerySchema);
    const page = await dependency(req.app, 'usersStore').list(limit, cursor);
    const config = dependency(req.app, 'config');
    res.json({ data: page.users.map((user) => publicUser(user, config)), next: page.next && encodeCursor(page.next) } satisfies UserPage);
  });

  router.get('/:id', docs(usersDocs.get), authCheck, async (req, res) => {
    const user = await dependency(req.app, 'usersStore').getById(String(req.params.id));
    if (!user) throw notFound('No user with this id.');
    res.json({ data: publicUser(user, dependency(req.app, 'config')) } satisfies DataEnvelope<PublicUser>);
  });

  router.put('/:id', docs(usersDocs.update), authCheck, selfOrAdmin, userChangesValidation, async (req, res) => {
    const { id } = valid(res, 'params', userIdParamsSchema);
    const user = await dependency(req.app, 'usersStore').update(id, valid(res, 'body', userChangesSchema));
    res.json({ data: publicUser(user, dependency(req.app, 'config')) } satisfies DataEnvelope<PublicUser>);
  });

  return router;
}
