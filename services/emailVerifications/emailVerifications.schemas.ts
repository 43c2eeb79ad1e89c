import { z } from 'zod';
import type { EmailVerificationConfirmation } from '../../client/types';
import { linkTokenField } from '../passwordResets/passwordResets.schemas';

/** Body of `POST /email-verifications`. */
export const emailVerificationConfirmationSchema = z.strictObject({
  token: linkTokenField(),
}) satisfies z.ZodType<EmailVerificationConfirmation>;
