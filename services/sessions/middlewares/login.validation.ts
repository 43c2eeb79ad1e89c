import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { dependency } from '../../../libraries/dependencies';
import { unauthenticated } from '../../../libraries/errors';
import { verifyPassword } from '../../../libraries/passwords';
import { validate, valid } from '../../../libraries/validate';
import type { StoredUser } from '../../../models/users';
import { credentialsSchema } from '../sessions.schemas';

const wrongCredentials = 'The email or the password is wrong.';

/** 401 unless the validated email and password match a user, whose record goes to `res.locals`. */
async function credentialsCheck(req: Request, res: Response, next: NextFunction): Promise<void> {
  const { email, password } = valid(res, 'body', credentialsSchema);
  const config = dependency(req.app, 'config');
  const user = await dependency(req.app, 'usersStore').getByEmail(email);
  // bcrypt ignores bytes past 72; no stored password is longer, so a longer one cannot be right.
  const fits = Buffer.byteLength(password, 'utf8') <= 72;
  const matches = await verifyPassword(password, fits ? user?.password : undefined, config.bcrypt_rounds);
  if (!user || !matches) return void next(unauthenticated(wrongCredentials));
  res.locals.loggedInUser = user;
  next();
}

/**
 * Checks the credentials of `POST /sessions`: 422 when a field is missing, 401 when the email or
 * the password is wrong — alike, and in about the same time (an unknown email is still compared
 * against a dummy hash). The user is read back with `loggedInUserOf(res)`.
 */
export const loginValidation: RequestHandler[] = [validate({ body: credentialsSchema }), credentialsCheck];

/**
 * The user whose credentials `loginValidation` accepted.
 * @throws Error when `loginValidation` did not run (a programming error)
 */
export function loggedInUserOf(res: Response): StoredUser {
  const user = res.locals.loggedInUser as StoredUser | undefined;
  if (!user) throw new Error('loggedInUserOf() called on a route without loginValidation.');
  return user;
}
