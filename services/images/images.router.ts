import { Router, type Request, type Response } from 'express';
import type { SignedUpload } from '../../client/types';
import { dependency } from '../../libraries/dependencies';
import { docs } from '../../libraries/openapi';
import { valid } from '../../libraries/validate';
import { authCheck } from '../sessions/middlewares/auth.check';
import { selfOrAdmin } from '../users/middlewares/users.permission.selfOrAdmin';
import { signedUploadSchema, signedUrlQuerySchema } from './images.schemas';
import { signedUrlValidation } from './middlewares/images.validation.signedUrl';

/**
 * `/users/:id/image`: profile pictures, which browsers upload straight to S3 with a signed URL.
 * Mounted at `/users`.
 */
export function createImagesRouter(): Router {
  const router = Router();
  // PUT per the contract; GET too, since asking for a URL changes nothing.
  router
    .route('/:id/image/signed-url')
    .all(
      docs({
        summary: 'Signed URL to upload a profile picture',
        description:
          'The caller then PUTs the bytes to `signedRequest` within 60 s, with the signed `Content-Type` (and `Content-Length` when `fileSize` was given) and without the API token; the picture is then served at `url`, the user\'s `image`.',
        tag: 'users',
        auth: true,
        responses: {
          200: { description: 'The signed upload.', schema: signedUploadSchema },
          401: 'No token.',
          403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
          404: 'No user with this id.',
          422: 'A type other than png, jpeg, gif or webp, a size over 5 MB, or an unknown parameter.',
        },
      }),
      authCheck,
      selfOrAdmin,
      signedUrlValidation,
    )
    .get(signProfileImageUpload)
    .put(signProfileImageUpload);
  return router;
}

/** Answers a signed PUT URL for the picture of `:id` (an existing user, checked by `selfOrAdmin`). */
async function signProfileImageUpload(req: Request<{ id: string }>, res: Response): Promise<void> {
  const { fileType, fileSize } = valid(res, 'query', signedUrlQuerySchema);
  const upload: SignedUpload = await dependency(req.app, 's3client').signProfileImageUpload(req.params.id, fileType, fileSize);
  res.json(upload);
}
