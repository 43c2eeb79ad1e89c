import type { PublicUser } from '../../client/types';
import type { Config } from '../../config/schema';
import { profileImageUrl } from '../../libraries/s3client';
import type { StoredUser } from '../../models/users';

/** A user as the API shows it: every field but the password hash, plus the picture's URL. */
export function publicUser(user: StoredUser, config: Config): PublicUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    admin: user.admin,
    image: profileImageUrl(config, user.id),
  };
}
