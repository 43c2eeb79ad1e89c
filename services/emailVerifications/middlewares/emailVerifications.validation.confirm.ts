import { validate } from '../../../http/validate';
import { emailVerificationConfirmationSchema } from '../emailVerifications.schemas';

/** Validates the body of `POST /email-verifications`: a token. */
export const emailVerificationConfirmationValidation = validate({ body: emailVerificationConfirmationSchema });
