import { validate } from '../../../http/validate';
import { userListQuerySchema } from '../users.schemas';

/** Validates the query of `GET /users` (`limit` 1..100, a `cursor` this API returned). */
export const userListValidation = validate({ query: userListQuerySchema });
