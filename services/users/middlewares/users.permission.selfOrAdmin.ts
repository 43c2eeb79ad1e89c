import type { RequestHandler } from 'express';
import { forbidden, notFound } from '../../../libraries/errors';
import { authOf } from '../../../http/requestAuth';
import type { UsersService } from '../users.service';

/**
 * Lets the request through when the caller is the user `:id` or an admin — admin as the database
 * says now, not as it was when the token was made. 404 when `:id` does not exist, 403 otherwise.
 * Runs after `authCheck`.
 */
export function selfOrAdmin(users: UsersService): RequestHandler {
  return async (req, res, next) => {
    const { userId, user: caller } = authOf(res);
    const targetId = String(req.params.id ?? '');
    const target = targetId === userId ? caller : await users.getById(targetId);
    if (!target) return next(notFound('No user with this id.'));
    if (target.id !== userId && !caller.admin) return next(forbidden('Only the user or an admin may do this.'));
    next();
  };
}
