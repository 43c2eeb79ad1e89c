import { validate } from '../../../http/validate';
import { passwordResetRequestSchema } from '../passwordResets.schemas';

/** Validates the body of `POST /password-resets`: one valid email. */
export const passwordResetRequestValidation = validate({ body: passwordResetRequestSchema });
