import type { PublicUser } from '../../client/types';
import type { StoredUser } from '../../models/users';

/** The URL a user's `image` shows, from the user id alone (pure: it contacts nothing; see `imageUrlOf`). */
export type ImageUrl = (userId: string) => string;

/** A user as the API shows it: every field but the password hash, plus the picture's URL. */
export function publicUser(user: StoredUser, imageUrl: ImageUrl): PublicUser {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    admin: user.admin,
    image: imageUrl(user.id),
  };
}
