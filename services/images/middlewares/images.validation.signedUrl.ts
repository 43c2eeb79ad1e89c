import { validate } from '../../../http/validate';
import { signedUrlQuerySchema } from '../images.schemas';

/** Validates the query of `PUT /users/:id/image/signed-url` (422 for a type that is not an image we take, a size over 5 MB, or an unknown parameter). */
export const signedUrlValidation = validate({ query: signedUrlQuerySchema });
