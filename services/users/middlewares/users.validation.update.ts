import { validate } from '../../../http/validate';
import { userChangesSchema, userIdParamsSchema } from '../users.schemas';

/** Validates the body of `PUT /users/:id`: only `email` and `username`, any other field is a 422. */
export const userChangesValidation = validate({ params: userIdParamsSchema, body: userChangesSchema });
