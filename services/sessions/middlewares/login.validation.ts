import { validate } from '../../../http/validate';
import { credentialsSchema } from '../sessions.schemas';

/** Validates the body of `POST /sessions`: 422 when the email or the password is missing or not text. */
export const loginValidation = validate({ body: credentialsSchema });
