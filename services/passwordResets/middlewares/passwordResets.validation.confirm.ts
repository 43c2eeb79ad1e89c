import { validate } from '../../../http/validate';
import { passwordResetConfirmationSchema } from '../passwordResets.schemas';

/** Validates the body of `POST /password-resets/confirm`: a token, and a new password as at registration. */
export const passwordResetConfirmationValidation = validate({ body: passwordResetConfirmationSchema });
