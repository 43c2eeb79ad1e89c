import { validate } from '../../../http/validate';
import { logoutQuerySchema } from '../sessions.schemas';

/** Validates the query of `DELETE /sessions`: 422 for a `scope` other than local, others or all. */
export const logoutValidation = validate({ query: logoutQuerySchema });
