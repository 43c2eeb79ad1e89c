import type { RequestHandler } from 'express';
import type { SignedUpload } from '../../client/types';
import { DocumentedRouter, type RouteDocs } from '../../http/openapi';
import type { ProfileImages } from '../../libraries/s3client';
import { selfOrAdmin } from '../users/middlewares/users.permission.selfOrAdmin';
import { userIdSchema } from '../users/users.schemas';
import type { UsersService } from '../users/users.service';
import { signedUploadSchema, signedUrlQuerySchema } from './images.schemas';

export interface ImagesRouterDependencies {
  users: UsersService;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  profileImages: ProfileImages;
}

const signedUrlDocs: RouteDocs = {
  summary: 'Signed URL to upload a profile picture',
  description:
    "The caller then PUTs the bytes to `signedRequest` within 60 s, with the signed `Content-Type` and `Content-Length` (`fileSize`) and without the API token; the picture is then served at `url`, the user's `image`.",
  tag: 'users',
  responses: {
    200: { description: 'The signed upload.', schema: signedUploadSchema },
    403: 'A bad, expired or revoked token; or the caller is neither the user nor an admin.',
    404: 'No user with this id.',
    422: 'A type other than png, jpeg, gif or webp, a missing size or one over 5 MB, or an unknown parameter.',
  },
};

/**
 * `/users/:id/image`: profile pictures, which browsers upload straight to S3 with a signed URL.
 * Mounted at `/users`.
 */
export function createImagesRouter({
  users,
  authenticated,
  profileImages,
}: ImagesRouterDependencies): DocumentedRouter {
  const signedUrl = { docs: signedUrlDocs, auth: true, schemas: { query: signedUrlQuerySchema } };
  const router = new DocumentedRouter({ pathParameters: { id: userIdSchema }, authenticate: authenticated });
  // PUT per the contract; GET too, since asking for a URL changes nothing.
  for (const method of ['get', 'put'] as const)
    router[method](
      '/:id/image/signed-url',
      signedUrl,
      selfOrAdmin(users),
      /** Answers a signed PUT URL for the picture of `:id` (an existing user, checked by `selfOrAdmin`). */
      async ({ params, query: { fileType, fileSize } }, _req, res) => {
        const upload: SignedUpload = await profileImages.signProfileImageUpload(params.id, fileType, fileSize);
        res.json(upload);
      },
    );
  return router;
}
