import { validate } from '../../../http/validate';
import { passwordChangeSchema, userIdParamsSchema } from '../users.schemas';

/** Validates the body of `PUT /users/:id/password`: both passwords present, the new one as at registration. */
export const passwordChangeValidation = validate({ params: userIdParamsSchema, body: passwordChangeSchema });
