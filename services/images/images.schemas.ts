import { z } from 'zod';
import { imageTypes, maxImageBytes } from '../../client/types';

/** Query of `PUT /users/:id/image/signed-url` (GET also accepted). */
export const signedUrlQuerySchema = z.strictObject({
  fileType: z
    .enum(imageTypes, { error: `fileType must be one of ${imageTypes.join(', ')}.` })
    .meta({ description: 'Content type of the picture; the upload must send exactly this Content-Type.' }),
  fileSize: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'fileSize is required (the size of the picture in bytes).'
          : 'fileSize must be a single whole number of bytes.',
    })
    .regex(/^\d{1,16}$/, 'fileSize must be a whole number of bytes.')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'fileSize must be at least 1 byte.')
        .max(maxImageBytes, `fileSize must be at most ${maxImageBytes} bytes (5 MB).`),
    )
    .meta({
      description: `Size of the picture in bytes (at most ${maxImageBytes}); the upload must send exactly this Content-Length.`,
      example: '204800',
    }),
});

/** Body of a successful answer: the wire type `SignedUpload`. */
export const signedUploadSchema = z.strictObject({
  signedRequest: z
    .url()
    .meta({ description: 'URL to PUT the bytes to, within 60 s, with the signed Content-Type (and Content-Length).' }),
  url: z.string().meta({
    description: "The picture's URL once uploaded: the user's `image` (root-relative unless `public_url` is set).",
    format: 'uri-reference',
  }),
  expiresAt: z.iso.datetime().meta({ description: 'When signedRequest stops being accepted.' }),
});

/** Query of `GET /users/:id/image`. */
export const imageQuerySchema = z.strictObject({
  v: z.string().max(100).optional().meta({
    description:
      'Any version tag, ignored: a page adds one after an upload so that no cache answers with the old picture.',
    example: '1715000000000',
  }),
});
