import { validate } from '../../../http/validate';
import { refreshRequestSchema } from '../sessions.schemas';

/** Validates the body of `POST /sessions/refresh`: 422 when `refreshToken` is missing or not text. */
export const refreshValidation = validate({ body: refreshRequestSchema });
