import type { Config } from '../../config/schema';
import { profileImageUrl } from '../../libraries/s3client';
import type { ImageUrl } from '../users/users.presenter';

/**
 * How `PublicUser.image` is built: `<s3_public_url>/profile-images/<id>` when the bucket is served
 * publicly (e.g. by CloudFront); otherwise the API's `GET /users/<id>/image`, absolute under
 * `public_url` or root-relative without it (the SDK resolves it against its `baseURL`). The server
 * never builds it from the request's `Host`, which a client chooses.
 */
export function imageUrlOf(config: Pick<Config, 'public_url' | 's3_public_url'>): ImageUrl {
  const publicStorage = config.s3_public_url;
  if (publicStorage !== undefined) return (userId) => profileImageUrl(publicStorage, userId);
  const api = (config.public_url ?? '').replace(/\/+$/, '');
  return (userId) => `${api}/users/${encodeURIComponent(userId)}/image`;
}
