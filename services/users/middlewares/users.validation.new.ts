import { validate } from '../../../http/validate';
import { newUserSchema } from '../users.schemas';

/** Validates the body of `POST /users` (422 naming the first bad or unknown field). */
export const newUserValidation = validate({ body: newUserSchema });
