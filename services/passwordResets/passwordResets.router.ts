import type { MessageBody } from '../../client/types';
import { DocumentedRouter, withInput } from '../../http/openapi';
import type { RateLimiter, RateLimitSubject } from '../../http/rateLimit';
import { digestOf } from '../mail/mail.tokens';
import { uniqueKey } from '../users/users.claims';
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

/** Where the per-email limit finds its subject, set from the validated body just before it. */
const emailSubject = Symbol('passwordResetEmail');

/** Counts per email as uniqueness knows it (case and look-alikes aside), hashed: no address in Redis key names. */
const perEmail: RateLimitSubject = {
  name: 'email address',
  of: (_req, res) => String((res.locals as Record<symbol, unknown>)[emailSubject]),
};

/** `/password-resets`: ask for a link by mail (open), set a new password with its token (open). */
export function createPasswordResetsRouter({
  passwordResets,
  rateLimiter,
}: PasswordResetsRouterDependencies): DocumentedRouter {
  const emailLimit = rateLimiter.limit('passwordResetEmail', 'rate_limit_password_reset_email', perEmail);
  const limitPerEmail = withInput<{ body: { email: string } }>(({ body }, req, res, next) => {
    (res.locals as Record<symbol, unknown>)[emailSubject] = digestOf(uniqueKey('email', body.email));
    return emailLimit(req, res, next);
  });
  return new DocumentedRouter()
    .post(
      '/',
      { docs: passwordResetsDocs.request, schemas: { body: passwordResetRequestSchema } },
      rateLimiter.limit('passwordReset', 'rate_limit_password_reset'),
      limitPerEmail,
      async ({ body }, _req, res) => {
        await passwordResets.request(body.email);
        res.status(202).json(requested);
      },
    )
    .post(
      '/confirm',
      { docs: passwordResetsDocs.confirm, schemas: { body: passwordResetConfirmationSchema } },
      rateLimiter.limit('passwordResetConfirm', 'rate_limit_password_reset'),
      async ({ body: { token, newPassword } }, _req, res) => {
        await passwordResets.confirm(token, newPassword);
        res.json({
          message: 'Your password is changed and every session ended; log in with the new password.',
        } satisfies MessageBody);
      },
    );
}
