import type { PublicUser, UserProfile } from '../../client/types';
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
    emailVerified: user.emailVerified,
    image: profileImageUrl(config, user.id),
  };
}

/** A user as other users see it: no email, no admin flag, no verification state. */
export function userProfile(user: StoredUser, config: Config): UserProfile {
  return { id: user.id, username: user.username, image: profileImageUrl(config, user.id) };
}

/** A user as `viewer` may see it: the whole `PublicUser` for the user itself and for admins, its profile for anyone else. */
export function userAsSeenBy(user: StoredUser, viewer: StoredUser, config: Config): PublicUser | UserProfile {
  return user.id === viewer.id || viewer.admin ? publicUser(user, config) : userProfile(user, config);
}
