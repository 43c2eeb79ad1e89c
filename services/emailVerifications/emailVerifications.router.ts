import type { RequestHandler } from 'express';
import type { DataEnvelope, MessageBody, PublicUser } from '../../client/types';
import { DocumentedRouter } from '../../http/openapi';
import type { RateLimiter, RateLimitSubject } from '../../http/rateLimit';
import { authOf } from '../../http/requestAuth';
import { publicUser, type ImageUrl } from '../users/users.presenter';
import { emailVerificationsDocs } from './emailVerifications.docs';
import { emailVerificationConfirmationSchema } from './emailVerifications.schemas';
import type { EmailVerifications } from './emailVerifications.service';

export interface EmailVerificationsRouterDependencies {
  emailVerifications: EmailVerifications;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  rateLimiter: RateLimiter;
  imageUrl: ImageUrl;
}

/** Counts per logged-in user. */
const perUser: RateLimitSubject = { name: 'user', of: (_req, res) => authOf(res).userId };

/** `/email-verifications`: verify an email with its mailed token (open), mail a new link (authenticated). */
export function createEmailVerificationsRouter({
  emailVerifications,
  authenticated,
  rateLimiter,
  imageUrl,
}: EmailVerificationsRouterDependencies): DocumentedRouter {
  return new DocumentedRouter({ authenticate: authenticated })
    .post(
      '/',
      { docs: emailVerificationsDocs.confirm, schemas: { body: emailVerificationConfirmationSchema } },
      async ({ body }, _req, res) => {
        const user = await emailVerifications.confirm(body.token);
        res.json({ data: publicUser(user, imageUrl) } satisfies DataEnvelope<PublicUser>);
      },
    )
    .post(
      '/resend',
      { docs: emailVerificationsDocs.resend, auth: true },
      rateLimiter.limit('emailVerification', 'rate_limit_email_verification', perUser),
      async (_input, _req, res) => {
        await emailVerifications.resend(authOf(res).user);
        res.status(202).json({ message: 'A new verification link is on its way.' } satisfies MessageBody);
      },
    );
}
