import type { RouteDocs } from '../../http/openapi';
import { messageSchema } from '../sessions/sessions.schemas';

/** The OpenAPI documentation of the `/password-resets` routes (request schemas come from their validation). */
export const passwordResetsDocs = {
  request: {
    summary: 'Ask for a password-reset link',
    description:
      'Answers 202 with the same body whether an account has this email or not, after the same work (the mail is queued either way; the worker finds the account). When one has, a mail with `<app_url>/reset-password?token=…` goes out; the link works once, for 30 minutes from its sending. Mails wait in a queue in Redis while the mail server is down and are retried. Rate-limited per client address (`rate_limit_password_reset`) and per email (`rate_limit_password_reset_email`).',
    tag: 'sessions',
    responses: {
      202: { description: 'Queued (or nothing to send): the same answer for every email.', schema: messageSchema },
      422: 'A missing or malformed email, or any other field.',
      429: 'Too many requests from this address (`rate_limit_password_reset`) or for this email (`rate_limit_password_reset_email`) per `rate_limit_window_s`.',
      503: 'The rate limiter or the mail queue (Redis) is unavailable.',
    },
  },
  confirm: {
    summary: 'Set a new password with a reset link',
    description:
      'Spends the token of the mailed link and sets `newPassword` (the registration rules). Every session of the user ends: its tokens are refused and its sockets disconnected, on every process. Rate-limited per client address (`rate_limit_password_reset`).',
    tag: 'sessions',
    responses: {
      200: { description: 'The password is changed; log in with it.', schema: messageSchema },
      409: 'The user was being changed by another request; ask for a new link.',
      422: '`reset_token_invalid`: the token is malformed, unknown, used or expired, or the password changed since it was sent; `validation_failed`: `newPassword` breaks the registration rules, or a field is missing or unknown.',
      503: 'Redis or DynamoDB is unavailable; the token stays usable.',
    },
  },
} satisfies Record<string, RouteDocs>;
