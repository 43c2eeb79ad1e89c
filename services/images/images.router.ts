import type { RequestHandler } from 'express';
import type { SignedUpload } from '../../client/types';
import { DocumentedRouter, type RouteDocs } from '../../http/openapi';
import { HttpError, notFound, serviceUnavailable } from '../../libraries/errors';
import { imageDownloadMaxAgeS, imageDownloadTtlS, type ProfileImages } from '../../libraries/s3client';
import { selfOrAdmin } from '../users/middlewares/users.permission.selfOrAdmin';
import type { ImageUrl } from '../users/users.presenter';
import { userIdSchema } from '../users/users.schemas';
import type { UsersService } from '../users/users.service';
import { imageQuerySchema, signedUploadSchema, signedUrlQuerySchema } from './images.schemas';

export interface ImagesRouterDependencies {
  users: UsersService;
  /** The authentication middleware (`authCheck` of the sessions service). */
  authenticated: RequestHandler;
  profileImages: ProfileImages;
  /** The URL of a user's picture (`PublicUser.image`), which a signed upload names as its `url`. */
  imageUrl: ImageUrl;
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

const imageDocs: RouteDocs = {
  summary: "A user's profile picture",
  description: `Public, so that an \`<img src>\` can show it: redirects to a signed GET URL of the private bucket, valid ${imageDownloadTtlS} s; the redirect may be reused for ${imageDownloadMaxAgeS} s (\`Cache-Control: private\`).`,
  tag: 'users',
  responses: {
    302: {
      description: 'The picture is at `Location`, a signed storage URL.',
      headers: {
        Location: `A signed GET URL of the picture, valid ${imageDownloadTtlS} s.`,
        'Cache-Control': `\`private, max-age=${imageDownloadMaxAgeS}\`: below the URL's lifetime.`,
      },
    },
    404: 'No user with this id, or the user has no picture.',
  },
};

/**
 * `/users/:id/image`: profile pictures, which browsers upload straight to S3 with a signed URL and
 * read through a redirect to a signed URL (the bucket stays private). Mounted at `/users`.
 */
export function createImagesRouter({
  users,
  authenticated,
  profileImages,
  imageUrl,
}: ImagesRouterDependencies): DocumentedRouter {
  const signedUrl = { docs: signedUrlDocs, auth: true, schemas: { query: signedUrlQuerySchema } };
  const router = new DocumentedRouter({ pathParameters: { id: userIdSchema }, authenticate: authenticated });
  /** Redirects to a signed GET of the picture of `:id`; 404 for an unknown user or one without a picture. */
  router.get('/:id/image', { docs: imageDocs, schemas: { query: imageQuerySchema } }, async ({ params }, _req, res) => {
    // The user is checked too: a picture uploaded with a URL signed just before a deletion stays hidden.
    if (!(await users.getById(params.id))) throw notFound('No user with this id.');
    if (!(await storageCall(() => profileImages.hasProfileImage(params.id))))
      throw notFound('This user has no picture.');
    const location = await storageCall(() => profileImages.signProfileImageDownload(params.id));
    res.set('Cache-Control', `private, max-age=${imageDownloadMaxAgeS}`).redirect(302, location);
  });
  // PUT per the contract; GET too, since asking for a URL changes nothing.
  for (const method of ['get', 'put'] as const)
    router[method](
      '/:id/image/signed-url',
      signedUrl,
      selfOrAdmin(users),
      /** Answers a signed PUT URL for the picture of `:id` (an existing user, checked by `selfOrAdmin`). */
      async ({ params, query: { fileType, fileSize } }, _req, res) => {
        const upload = await storageCall(() => profileImages.signProfileImageUpload(params.id, fileType, fileSize));
        res.json({ ...upload, url: imageUrl(params.id) } satisfies SignedUpload);
      },
    );
  return router;
}

/** Runs a call to the image storage; a failure other than the guard's own 503 becomes a 503 too. */
async function storageCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw Object.assign(serviceUnavailable('The image storage is unavailable; try again.'), { cause: error });
  }
}
