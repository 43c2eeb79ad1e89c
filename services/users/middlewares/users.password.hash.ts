import type { RequestHandler, Response } from 'express';
import { dependency } from '../../../libraries/dependencies';
import { hashPassword } from '../../../libraries/passwords';
import { valid } from '../../../libraries/validate';
import { newUserSchema } from '../users.schemas';

/**
 * Hashes the validated password with bcrypt (cost `bcrypt_rounds`) for the handler to store;
 * read it with `passwordHashOf(res)`. Runs after `newUserValidation`.
 */
export const passwordHash: RequestHandler = async (req, res, next) => {
  const { password } = valid(res, 'body', newUserSchema);
  res.locals.passwordHash = await hashPassword(password, dependency(req.app, 'config').bcrypt_rounds);
  next();
};

/**
 * The hash `passwordHash` computed.
 * @throws Error when `passwordHash` did not run (a programming error)
 */
export function passwordHashOf(res: Response): string {
  const hash = res.locals.passwordHash as string | undefined;
  if (hash === undefined) throw new Error('passwordHashOf() called on a route without passwordHash.');
  return hash;
}
