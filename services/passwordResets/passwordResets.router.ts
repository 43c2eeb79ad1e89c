import type { MessageBody } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter, RateLimitSubject } from '../../http/rateLimit';
import { valid } from '../../http/validate';
import { digestOf } from '../mail/mail.tokens';
import { uniqueKey } from '../users/users.claims';
import { passwordResetConfirmationValidation } from './middlewares/passwordResets.validation.confirm';
import { passwordResetRequestValidation } from './middlewares/passwordResets.validation.request';
import { passwordResetsDocs } from './passwordResets.docs';
import { passwordResetConfirmationSchema, passwordResetRequestSchema } from './passwordResets.schemas';
import type { PasswordResets } from './passwordResets.service';

export interface PasswordResetsRouterDependencies {
  passwordResets: PasswordResets;
  rateLimiter: RateLimiter;
}

/** The same answer for every email: it must not tell whether an account has it. */
const requested: MessageBody = {
  message: 'If an account has this email, a link to reset its password is on its way; it works for 30 minutes.',
};

/** Counts per email as uniqueness knows it (case and look-alikes aside), hashed: no address in Redis key names. */
const perEmail: RateLimitSubject = {
  name: 'email address',
  of: (_req, res) => digestOf(uniqueKey('email', valid(res, 'body', passwordResetRequestSchema).email)),
};

/** `/password-resets`: ask for a link by mail (open), set a new password with its token (open). */
export function createPasswordResetsRouter({
  passwordResets,
  rateLimiter,
}: PasswordResetsRouterDependencies): DocumentedRouter {
  return new DocumentedRouter()
    .post(
      '/',
      passwordResetsDocs.request,
      rateLimiter.limit('passwordReset', 'rate_limit_password_reset'),
      passwordResetRequestValidation,
      rateLimiter.limit('passwordResetEmail', 'rate_limit_password_reset_email', perEmail),
      async (_req, res) => {
        await passwordResets.request(valid(res, 'body', passwordResetRequestSchema).email);
        res.status(202).json(requested);
      },
    )
    .post(
      '/confirm',
      passwordResetsDocs.confirm,
      rateLimiter.limit('passwordResetConfirm', 'rate_limit_password_reset'),
      passwordResetConfirmationValidation,
      async (_req, res) => {
        const { token, newPassword } = valid(res, 'body', passwordResetConfirmationSchema);
        await passwordResets.confirm(token, newPassword);
        res.json({
          message: 'Your password is changed and every session ended; log in with the new password.',
        } satisfies MessageBody);
      },
    );
}
