import { validate } from '../../../http/validate';
import { searchQuerySchema } from '../jobs.schemas';

/** Validates the query of `GET /` (422 for a bad value or an unknown parameter). */
export const searchValidation = validate({ query: searchQuerySchema });
