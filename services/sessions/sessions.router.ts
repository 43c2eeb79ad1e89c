import { Router } from 'express';
import type { DataEnvelope, MessageBody, PublicUser, SessionResponse } from '../../client/types';
import { dependency } from '../../libraries/dependencies';
import { notFound } from '../../libraries/errors';
import { docs } from '../../libraries/openapi';
import { rateLimit } from '../../libraries/rateLimit';
import { publicUser } from '../users/users.presenter';
import { sessionsDocs } from './sessions.docs';
import { authCheck, authOf } from './middlewares/auth.check';
import { loggedInUserOf, loginValidation } from './middlewares/login.validation';
import { tokenInvalidation } from './middlewares/token.invalidation';

const loginRateLimit = rateLimit({ name: 'login', limitKey: 'rate_limit_login' });

/** `/sessions`: log in (a token), who am I, log out (the token is revoked). */
export function createSessionsRouter(): Router {
  const router = Router();

  router.post('/', docs(sessionsDocs.login), loginRateLimit, ...loginValidation, (req, res) => {
    const user = loggedInUserOf(res);
    const { token } = dependency(req.app, 'jwtManager').create(user.id);
    res.set('Authorization', `Bearer ${token}`);
    res.json({ data: publicUser(user, dependency(req.app, 'config')), token } satisfies SessionResponse);
  });

  router.get('/', docs(sessionsDocs.current), authCheck, async (req, res) => {
    const user = await dependency(req.app, 'usersStore').getById(authOf(res).userId);
    if (!user) throw notFound('The user of this token no longer exists.');
    res.json({ data: publicUser(user, dependency(req.app, 'config')) } satisfies DataEnvelope<PublicUser>);
  });

  router.delete('/', docs(sessionsDocs.logout), authCheck, tokenInvalidation, (_req, res) => {
    res.json({ message: 'Logged out: this token is no longer accepted.' } satisfies MessageBody);
  });

  return router;
}
