import { z } from 'zod';
import type { PasswordResetConfirmation, PasswordResetRequest } from '../../client/types';
import { requiredText } from '../../http/validate';
import { emailSchema, passwordSchema } from '../users/users.schemas';

/** The token of a mailed link, as a field: any text (a malformed one is refused like an unknown one). */
export const linkTokenField = () =>
  requiredText().min(1, 'is required.').max(1000, 'must be at most 1000 characters.').meta({
    description: 'The `token` parameter of the mailed link.',
    example: 'Yk3r9Qd0Zp0m5n1uWq7sX2c8vB4tA6eH1jL0oP9iU3y',
  });

/** Body of `POST /password-resets`. */
export const passwordResetRequestSchema = z.strictObject({
  email: emailSchema,
}) satisfies z.ZodType<PasswordResetRequest>;

/** Body of `POST /password-resets/confirm`: the new password follows the registration rules. */
export const passwordResetConfirmationSchema = z.strictObject({
  token: linkTokenField(),
  newPassword: passwordSchema,
}) satisfies z.ZodType<PasswordResetConfirmation>;
