import { validate } from '../../../http/validate';
import { userIdParamsSchema } from '../../users/users.schemas';
import { imageQuerySchema } from '../images.schemas';

/** Validates `GET /users/:id/image` (422 for an unknown parameter). */
export const imageDownloadValidation = validate({ params: userIdParamsSchema, query: imageQuerySchema });
