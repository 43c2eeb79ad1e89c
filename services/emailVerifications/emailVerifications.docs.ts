import type { RouteDocs } from '../../http/openapi';
import { messageSchema } from '../sessions/sessions.schemas';
import { publicUserEnvelopeSchema } from '../users/users.schemas';

/** The OpenAPI documentation of the `/email-verifications` routes (request schemas come from their validation). */
export const emailVerificationsDocs = {
  confirm: {
    summary: 'Verify an email with its link',
    description:
      'Spends the token of the link mailed at registration, at a change of email or on request (`<app_url>/verify-email?token=…`; it works once, for 24 hours from its sending). It verifies only the address it was mailed to, and only while the user still has it. No login needed.',
    tag: 'users',
    responses: {
      200: { description: 'The user, with `emailVerified: true`.', schema: publicUserEnvelopeSchema },
      422: '`verification_token_invalid`: the token is malformed, unknown, used or expired, or the user’s email changed since it was sent; `validation_failed`: a missing or unknown field.',
      503: 'Redis or DynamoDB is unavailable; the token stays usable.',
    },
  },
  resend: {
    summary: 'Mail a new verification link',
    description:
      'To the logged-in user’s email. Rate-limited per user (`rate_limit_email_verification`). Answers 503 on a server that sends no mail (`smtp_url` not set).',
    tag: 'users',
    responses: {
      202: { description: 'The mail is queued.', schema: messageSchema },
      409: '`email_already_verified`: there is nothing to verify.',
      503: 'The session store or the mail queue (Redis) is unavailable, or the server sends no mail.',
    },
  },
} satisfies Record<string, RouteDocs>;
