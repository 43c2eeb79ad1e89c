import type { RequestHandler } from 'express';
import { authOf } from '../../../http/requestAuth';
import { forbidden } from '../../../libraries/errors';

/** Lets the request through only when the caller is the user `:id` (admins included: 403). Runs after `authCheck`. */
export const selfOnly: RequestHandler = (req, res, next) => {
  if (String(req.params.id ?? '') !== authOf(res).userId) return next(forbidden('Only the user may do this.'));
  next();
};
