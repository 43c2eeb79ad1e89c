import type { RequestHandler } from 'express';
import type { DataEnvelope, MessageBody, PublicUser } from '../../client/types';
import type { Config } from '../../config/schema';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter, RateLimitSubject } from '../../http/rateLimit';
import { authOf } from '../../http/requestAuth';
import { valid } from '../../http/validate';
import { publicUser } from '../users/users.presenter';
import { emailVerificationsDocs } from './emailVerifications.docs';
import { emailVerificationConfirmationSchema } from './emailVerifications.schemas';
import type { EmailVerifications } from './emailVerifications.service';
import { emailVerificationConfirmationValidation } from './middlewares/emailVerifications.validation.confirm';

export interface EmailVerificationsRouterDependencies {
  emailVerifications: EmailVerifications;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  config: Config;
}

/** Counts per logged-in user. */
const perUser: RateLimitSubject = { name: 'user', of: (_req, res) => authOf(res).userId };

/** `/email-verifications`: verify an email with its mailed token (open), mail a new link (authenticated). */
export function createEmailVerificationsRouter({
  emailVerifications,
  authenticated,
  rateLimiter,
  config,
}: EmailVerificationsRouterDependencies): DocumentedRouter {
  return new DocumentedRouter()
    .post('/', emailVerificationsDocs.confirm, emailVerificationConfirmationValidation, async (_req, res) => {
      const user = await emailVerifications.confirm(valid(res, 'body', emailVerificationConfirmationSchema).token);
      res.json({ data: publicUser(user, config) } satisfies DataEnvelope<PublicUser>);
    })
    .post(
      '/resend',
      emailVerificationsDocs.resend,
      authenticated,
      rateLimiter.limit('emailVerification', 'rate_limit_email_verification', perUser),
      async (_req, res) => {
        await emailVerifications.resend(authOf(res).user);
        res.status(202).json({ message: 'A new verification link is on its way.' } satisfies MessageBody);
      },
    );
}
