import type { PublicUser, UserProfile } from '../../client/types';
import type { StoredUser } from '../../models/users';

/** The URL a user's `image` shows, from the user id alone (pure: it contacts nothing; see `imageUrlOf`). */
export type ImageUrl = (userId: string) => string;

/** A user as the API shows it to the user itself and to admins: every field but the password hash, plus the picture's URL. */
export function publicUser(user: StoredUser, imageUrl: ImageUrl): PublicUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    admin: user.admin,
    emailVerified: user.emailVerified,
    image: imageUrl(user.id),
  };
}

/** A user as other users see it: no email, no admin flag, no verification state. */
export function userProfile(user: StoredUser, imageUrl: ImageUrl): UserProfile {
  return { id: user.id, username: user.username, image: imageUrl(user.id) };
}

/** A user as `viewer` may see it: the whole `PublicUser` for the user itself and for admins, its profile for anyone else. */
export function userAsSeenBy(user: StoredUser, viewer: StoredUser, imageUrl: ImageUrl): PublicUser | UserProfile {
  return user.id === viewer.id || viewer.admin ? publicUser(user, imageUrl) : userProfile(user, imageUrl);
}
